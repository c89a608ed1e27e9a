// Package apiservertest tests package certs with controller-runtime: the
// Rotator against a real kube-apiserver and etcd (envtest), caBundle
// injection (fake client), files read by certwatcher. Package certs' own
// tests stay pure unit tests and fuzz targets.
package apiservertest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/certs"
	"github.com/argoguard/argoguard/internal/testenv"
)

var names = certs.DNSNamesFor("argoguard", "argoguard")

func bundleOf(s *corev1.Secret) *certs.Bundle {
	return &certs.Bundle{CACert: s.Data[certs.KeyCACert], CAKey: s.Data[certs.KeyCAKey], Cert: s.Data[certs.KeyCert], Key: s.Data[certs.KeyKey]}
}

func webhookEntry(name string) admissionregistrationv1.ValidatingWebhook {
	none := admissionregistrationv1.SideEffectClassNone
	path := "/validate"
	return admissionregistrationv1.ValidatingWebhook{
		Name: name, SideEffects: &none, AdmissionReviewVersions: []string{"v1"},
		ClientConfig: admissionregistrationv1.WebhookClientConfig{
			Service: &admissionregistrationv1.ServiceReference{Namespace: "argoguard", Name: "argoguard", Path: &path}},
	}
}

// apiServer starts a real kube-apiserver and etcd (envtest) from
// KUBEBUILDER_ASSETS or the repository's bin/k8s/v1.37.2 (make controlplane).
func apiServer(t *testing.T) client.Client {
	t.Helper()
	return testenv.APIServer(t, "argoguard").Client
}

func TestRotatorAgainstAPIServer(t *testing.T) {
	c := apiServer(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	newRotator := func(at time.Time) *certs.Rotator {
		return &certs.Rotator{Client: c, Namespace: "argoguard", Secret: "argoguard-webhook-cert", DNSNames: names,
			CertDir: dir, ValidatingWebhook: "argoguard", MutatingWebhook: "argoguard",
			Now: func() time.Time { return at }, Log: logr.Discard()}
	}

	// Two replicas starting at once agree on one certificate.
	var wg sync.WaitGroup
	results := make([]*certs.Bundle, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := newRotator(now).Ensure(ctx)
			if err != nil {
				t.Error(err)
			}
			results[i] = b
		}()
	}
	wg.Wait()
	if results[0] == nil || !results[0].Equal(results[1]) {
		t.Fatal("racing replicas ended with different certificates")
	}
	var sec corev1.Secret
	if err := c.Get(ctx, client.ObjectKey{Namespace: "argoguard", Name: "argoguard-webhook-cert"}, &sec); err != nil {
		t.Fatal(err)
	}
	if sec.Type != corev1.SecretTypeTLS || !bundleOf(&sec).Equal(results[0]) {
		t.Fatal("the Secret does not hold the returned bundle")
	}
	rv := sec.ResourceVersion

	// Nothing due: the Secret is left alone.
	if _, err := newRotator(now.Add(24 * time.Hour)).Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	_ = c.Get(ctx, client.ObjectKey{Namespace: "argoguard", Name: "argoguard-webhook-cert"}, &sec)
	if sec.ResourceVersion != rv {
		t.Error("a valid certificate was rewritten")
	}

	// Ten months later the serving certificate is renewed under the same CA,
	// written to the folder the server watches, and the caBundle injected.
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "argoguard"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{webhookEntry("validate.argoguard.io")}}
	if err := c.Create(ctx, vwc); err != nil {
		t.Fatal(err)
	}
	later := now.Add(300 * 24 * time.Hour)
	renewed, err := newRotator(later).Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(renewed.CACert) != string(results[0].CACert) || string(renewed.Cert) == string(results[0].Cert) {
		t.Fatal("want a new serving certificate under the same CA")
	}
	if st := renewed.Check(names, later); !st.Valid || st.RenewServing {
		t.Errorf("renewed: %+v", st)
	}
	onDisk, _ := os.ReadFile(filepath.Join(dir, certs.KeyCert))
	if string(onDisk) != string(renewed.Cert) {
		t.Error("renewed certificate not written to the cert dir")
	}
	if err := c.Get(ctx, client.ObjectKey{Name: "argoguard"}, vwc); err != nil {
		t.Fatal(err)
	}
	if string(vwc.Webhooks[0].ClientConfig.CABundle) != string(renewed.CACert) {
		t.Error("caBundle not injected into the ValidatingWebhookConfiguration")
	}
}

// deploy/ ships the Secret empty (so RBAC needs only get and update by
// name); the rotator fills it in place.
func TestRotatorFillsAShippedEmptySecret(t *testing.T) {
	c := apiServer(t)
	ctx := context.Background()
	shipped := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "argoguard", Name: "argoguard-tls"}, Type: corev1.SecretTypeOpaque}
	if err := c.Create(ctx, shipped); err != nil {
		t.Fatal(err)
	}
	r := &certs.Rotator{Client: c, Namespace: "argoguard", Secret: "argoguard-tls", DNSNames: names, CertDir: t.TempDir(), Log: logr.Discard()}
	b, err := r.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sec corev1.Secret
	if err := c.Get(ctx, client.ObjectKey{Namespace: "argoguard", Name: "argoguard-tls"}, &sec); err != nil {
		t.Fatal(err)
	}
	if !bundleOf(&sec).Equal(b) || sec.UID != shipped.UID {
		t.Fatal("the shipped Secret was not filled in place")
	}
	if st := b.Check(names, time.Now()); !st.Valid {
		t.Fatalf("filled bundle: %+v", st)
	}
}
