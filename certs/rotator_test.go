package certs

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/go-logr/logr"
)

// The steps of the rotation protocol (rotator.go) one round at a time: a
// due CA is staged next to the old one with the serving pair untouched; a
// serving certificate from it comes only once the CA has been in every
// caBundle for TrustDelay; the old CA leaves only at its expiry.
func TestRotationStagesTheCABeforeItSignsAnything(t *testing.T) {
	r := &Rotator{DNSNames: testNames, TrustDelay: 5 * time.Minute, Log: logr.Discard()}
	lt := Lifetimes{}.withDefaults()
	day := 24 * time.Hour
	t0 := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	first, err := NewBundle(testNames, t0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A serving certificate renewed late in the CA's life, still fresh
	// when the CA falls due.
	b, err := first.Renew(testNames, t0.Add(2400*day))
	if err != nil {
		t.Fatal(err)
	}
	oldCA := caCerts(b.CACert)[0]

	due := t0.Add(2500 * day) // less than a third of the CA's ten years left
	staged, steps, err := r.next(b, t0, due, lt)
	if err != nil {
		t.Fatal(err)
	}
	cas := caCerts(staged.CACert)
	if len(cas) != 2 || !cas[1].Equal(oldCA) || string(staged.Cert) != string(b.Cert) || string(staged.Key) != string(b.Key) {
		t.Fatalf("want the new CA staged before the old one and the serving pair unchanged; steps %v, %d CAs", steps, len(cas))
	}
	if st := staged.Check(testNames, due); !st.Valid || st.RenewCA || !st.RenewServing {
		t.Errorf("staged bundle: %+v", st)
	}

	for _, tc := range []struct {
		name           string
		trusted, at    time.Time
		wantNewServing bool
	}{
		{"the new CA not known to be in the caBundles", time.Time{}, due.Add(time.Hour), false},
		{"in the caBundles for less than TrustDelay", due.Add(time.Minute), due.Add(5 * time.Minute), false},
		{"in the caBundles for TrustDelay", due.Add(time.Minute), due.Add(6 * time.Minute), true},
	} {
		got, steps, err := r.next(staged, tc.trusted, tc.at, lt)
		if err != nil {
			t.Fatal(err)
		}
		if changed := string(got.Cert) != string(staged.Cert); changed != tc.wantNewServing {
			t.Errorf("%s: new serving certificate %v, want %v (steps %v)", tc.name, changed, tc.wantNewServing, steps)
		}
		if string(got.CACert) != string(staged.CACert) {
			t.Errorf("%s: the trust bundle changed (steps %v)", tc.name, steps)
		}
		if !tc.wantNewServing {
			continue
		}
		// Issued by the new CA, so verified by the caBundle already injected.
		if err := verifyServing(mustLeaf(t, got.Cert), cas[:1], testNames, tc.at); err != nil {
			t.Errorf("%s: the new serving certificate is not the new CA's: %v", tc.name, err)
		}
		staged = got
	}

	// The old CA stays while anything it signed can still be valid, and
	// leaves at its expiry.
	if got, _, _ := r.next(staged, due, oldCA.NotAfter.Add(-time.Minute), lt); len(caCerts(got.CACert)) != 2 {
		t.Errorf("the old CA left the trust bundle before it expired")
	}
	oldServing := mustLeaf(t, b.Cert)
	if oldServing.NotAfter.After(oldCA.NotAfter) {
		t.Errorf("a serving certificate outlives its CA: %v > %v", oldServing.NotAfter, oldCA.NotAfter)
	}
	after := oldCA.NotAfter.Add(time.Minute)
	got, steps, err := r.next(staged, due, after, lt)
	if err != nil {
		t.Fatal(err)
	}
	if cas := caCerts(got.CACert); len(cas) != 1 || cas[0].Equal(oldCA) {
		t.Errorf("after the old CA's expiry the trust bundle holds %d CAs (steps %v)", len(cas), steps)
	}
}

// Renewing the serving certificate under the CA that signed the one being
// served waits for nothing: that CA is in the caBundles already.
func TestRotationRenewsUnderTheSameCAAtOnce(t *testing.T) {
	r := &Rotator{DNSNames: testNames, Log: logr.Discard()}
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b, err := NewBundle(testNames, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(300 * 24 * time.Hour) // less than a third of the year left
	got, steps, err := r.next(b, time.Time{}, later, Lifetimes{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Cert) == string(b.Cert) || string(got.CACert) != string(b.CACert) {
		t.Errorf("want a new serving certificate under the same CA at once (steps %v)", steps)
	}
}

// A Secret without a usable serving certificate (shipped empty, or one
// whose certificate expired while nothing ran) gets one at once: waiting
// would only prolong the outage.
func TestRotationIssuesAtOnceWhenNothingUsableIsServed(t *testing.T) {
	r := &Rotator{DNSNames: testNames, Log: logr.Discard()}
	lt := Lifetimes{}.withDefaults()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b, err := NewBundle(testNames, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(400 * 24 * time.Hour) // the one-year serving certificate expired
	got, _, err := r.next(b, time.Time{}, later, lt)
	if err != nil {
		t.Fatal(err)
	}
	if st := got.Check(testNames, later); !st.Valid || st.RenewServing {
		t.Errorf("after expiry: %+v", st)
	}
	empty, _, err := r.next(&Bundle{}, time.Time{}, now, lt)
	if err != nil {
		t.Fatal(err)
	}
	if st := empty.Check(testNames, now); !st.Valid {
		t.Errorf("from an empty Secret: %+v", st)
	}
}

func mustLeaf(t *testing.T, pemData []byte) *x509.Certificate {
	t.Helper()
	c, err := firstCert(pemData)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
