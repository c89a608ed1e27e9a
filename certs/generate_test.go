package certs

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

var testNames = DNSNamesFor("argoguard", "argoguard")

func parseAll(t *testing.T, pemData []byte) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, pemData = pem.Decode(pemData)
		if block == nil {
			return out
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
}

func TestNewBundleChainsToItsCA(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b, err := NewBundle(testNames, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	cas := parseAll(t, b.CACert)
	if len(cas) != 1 || !cas[0].IsCA {
		t.Fatalf("want one CA certificate, got %d", len(cas))
	}
	leaf := parseAll(t, b.Cert)[0]
	pool := x509.NewCertPool()
	pool.AddCert(cas[0])
	for _, name := range testNames {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: now.Add(time.Hour)}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "evil.example.com", Roots: pool, CurrentTime: now}); err == nil {
		t.Error("serving certificate valid for a name it should not hold")
	}
	if _, err := tls.X509KeyPair(b.Cert, b.Key); err != nil {
		t.Errorf("serving key does not match: %v", err)
	}
	if st := b.Check(testNames, now); !st.Valid || st.RenewCA || st.RenewServing {
		t.Errorf("fresh bundle: %+v", st)
	}
	if st := b.Check([]string{"other.argoguard.svc"}, now); st.Valid || !st.RenewServing {
		t.Errorf("bundle for other names accepted: %+v", st)
	}
}

func TestRenewalDecision(t *testing.T) {
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b, err := NewBundle(testNames, start, nil)
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	for _, tc := range []struct {
		at                           time.Duration
		valid, renewServing, renewCA bool
	}{
		{day, true, false, false},
		{200 * day, true, false, false},
		{250 * day, true, true, false}, // less than a third of a year left
		{366 * day, false, true, false},
		{7 * 365 * day, false, true, true}, // the CA has less than a third left
		{11 * 365 * day, false, true, true},
	} {
		st := b.Check(testNames, start.Add(tc.at))
		if st.Valid != tc.valid || st.RenewServing != tc.renewServing || st.RenewCA != tc.renewCA {
			t.Errorf("after %v: %+v, want valid=%v renewServing=%v renewCA=%v", tc.at, st, tc.valid, tc.renewServing, tc.renewCA)
		}
	}
	broken := *b
	broken.Key = b.CAKey // a key that does not match the certificate
	if st := broken.Check(testNames, start); st.Valid || !st.RenewServing {
		t.Errorf("mismatched key accepted: %+v", st)
	}
	broken = *b
	broken.CACert = []byte("garbage")
	if st := broken.Check(testNames, start); st.Valid || !st.RenewCA {
		t.Errorf("unreadable CA accepted: %+v", st)
	}
}

func TestRenewKeepsCAAndNewCAKeepsTrustInTheOld(t *testing.T) {
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	old, err := NewBundle(testNames, start, nil)
	if err != nil {
		t.Fatal(err)
	}
	later := start.Add(300 * 24 * time.Hour)
	renewed, err := old.Renew(testNames, later)
	if err != nil {
		t.Fatal(err)
	}
	if string(renewed.CACert) != string(old.CACert) || string(renewed.Cert) == string(old.Cert) {
		t.Fatal("serving renewal must keep the CA and replace the certificate")
	}
	if st := renewed.Check(testNames, later); !st.Valid || st.RenewServing {
		t.Errorf("renewed bundle: %+v", st)
	}

	rotated, err := NewBundle(testNames, later, old.CACert)
	if err != nil {
		t.Fatal(err)
	}
	cas := parseAll(t, rotated.CACert)
	if len(cas) != 2 || cas[1].SerialNumber.Cmp(parseAll(t, old.CACert)[0].SerialNumber) != 0 {
		t.Fatalf("rotated caBundle should hold the new CA then the old one, has %d", len(cas))
	}
	// A server still presenting the old certificate is trusted through the
	// new caBundle, so a CA rotation never breaks admissions in flight.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(rotated.CACert)
	if _, err := parseAll(t, old.Cert)[0].Verify(x509.VerifyOptions{DNSName: testNames[0], Roots: pool, CurrentTime: later}); err != nil {
		t.Errorf("old serving certificate not trusted by the rotated bundle: %v", err)
	}
	if st := rotated.Check(testNames, later); !st.Valid {
		t.Errorf("rotated bundle: %+v", st)
	}
}

func TestNewServingNeedsNames(t *testing.T) {
	ca, key, err := NewCA("x", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := NewServing(ca, key, nil, time.Now(), time.Hour); err == nil || !strings.Contains(err.Error(), "DNS") {
		t.Errorf("want an error about DNS names, got %v", err)
	}
}
