package certs

import (
	"testing"
	"time"
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
