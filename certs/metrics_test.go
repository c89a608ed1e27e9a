package certs

import (
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The gauges say when the served certificate and the CA that signed it
// expire, also while the trust bundle holds a second, newer CA.
func TestExpiryCollectorReportsServedCertificateAndItsCA(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	old, err := NewBundle(testNames, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	staged, err := old.withNewCA(now.Add(time.Hour), 2*CAValidity)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := WriteFiles(dir, staged); err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(staged.Cert, staged.Key)
	if err != nil {
		t.Fatal(err)
	}
	c := ExpiryCollector{Served: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &pair, nil }, CAFile: filepath.Join(dir, KeyCACert)}
	leaf, _ := firstCert(old.Cert)
	oldCA, _ := firstCert(old.CACert)
	want := map[string]float64{"serving": float64(leaf.NotAfter.Unix()), "ca": float64(oldCA.NotAfter.Unix())}
	if got := gather(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("samples %v, want %v", got, want)
	}

	// No ca.crt (an issuer that ships none): the serving sample only.
	_ = os.Remove(filepath.Join(dir, KeyCACert))
	delete(want, "ca")
	if got := gather(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("without ca.crt: samples %v, want %v", got, want)
	}
	// Nothing served yet: no sample rather than a made-up one.
	none := ExpiryCollector{Served: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return nil, errors.New("not loaded") }}
	if got := gather(t, none); len(got) != 0 {
		t.Errorf("with no certificate loaded: samples %v, want none", got)
	}
}

// gather collects c through a registry, as /metrics does: the gauge's
// value by its certificate label.
func gather(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "argoguard_certificate_expiration_timestamp_seconds" {
			t.Errorf("unexpected metric %s", f.GetName())
		}
		for _, m := range f.GetMetric() {
			out[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	return out
}
