package certs

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FuzzBundleCheck: whatever the Secret holds, Check answers without
// panicking, and never calls a bundle valid unless its serving certificate
// parses and matches its key.
func FuzzBundleCheck(f *testing.F) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b, err := NewBundle(testNames, now, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b.CACert, b.CAKey, b.Cert, b.Key)
	f.Add([]byte{}, []byte{}, []byte{}, []byte{})
	f.Add(b.CACert, b.CAKey, b.CACert, b.CAKey)
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), b.CAKey, b.Cert, b.Key)
	f.Fuzz(func(t *testing.T, caCert, caKey, cert, key []byte) {
		got := &Bundle{CACert: caCert, CAKey: caKey, Cert: cert, Key: key}
		st := got.Check(testNames, now)
		if st.Valid {
			if _, err := tlsPair(cert, key); err != nil {
				t.Fatalf("valid bundle whose pair does not load: %v", err)
			}
		}
		if !st.Valid && st.Reason == "" && !st.RenewServing {
			t.Fatalf("invalid without a reason: %+v", st)
		}
	})
}

// FuzzTrustedSince: whatever the annotation holds, it is read without
// panicking, and only a value naming the bundle's newest CA counts.
func FuzzTrustedSince(f *testing.F) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b, err := NewBundle(testNames, now, nil)
	if err != nil {
		f.Fatal(err)
	}
	fp := fingerprint(b)
	f.Add(now.Format(time.RFC3339) + " " + fp)
	f.Add(" " + fp)
	f.Add("2026-11-29T00:00:00Z sha256:00")
	f.Add("")
	f.Fuzz(func(t *testing.T, value string) {
		sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{AnnotationCATrusted: value}}}
		at := trustedSince(sec, b)
		if !at.IsZero() && !strings.HasSuffix(value, " "+fp) {
			t.Fatalf("%q counted as trust in a CA it does not name", value)
		}
	})
}
