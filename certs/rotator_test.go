package certs

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
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// apiServer starts a real kube-apiserver and etcd (envtest) from
// KUBEBUILDER_ASSETS or the repository's bin/k8s/v1.37.2 (make controlplane).
func apiServer(t *testing.T) client.Client {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets, _ = filepath.Abs("../bin/k8s/v1.37.2")
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		t.Skipf("no kube-apiserver in %s (run `make controlplane`)", assets)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argoguard"}}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRotatorAgainstAPIServer(t *testing.T) {
	c := apiServer(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	newRotator := func(at time.Time) *Rotator {
		return &Rotator{Client: c, Namespace: "argoguard", Secret: "argoguard-webhook-cert", DNSNames: testNames,
			CertDir: dir, ValidatingWebhook: "argoguard", MutatingWebhook: "argoguard",
			Now: func() time.Time { return at }, Log: logr.Discard()}
	}

	// Two replicas starting at once agree on one certificate.
	var wg sync.WaitGroup
	results := make([]*Bundle, 2)
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
	if sec.Type != corev1.SecretTypeTLS || !bundleFrom(&sec).Equal(results[0]) {
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
	if st := renewed.Check(testNames, later); !st.Valid || st.RenewServing {
		t.Errorf("renewed: %+v", st)
	}
	onDisk, _ := os.ReadFile(filepath.Join(dir, KeyCert))
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
	r := &Rotator{Client: c, Namespace: "argoguard", Secret: "argoguard-tls", DNSNames: testNames, CertDir: t.TempDir(), Log: logr.Discard()}
	b, err := r.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sec corev1.Secret
	if err := c.Get(ctx, client.ObjectKey{Namespace: "argoguard", Name: "argoguard-tls"}, &sec); err != nil {
		t.Fatal(err)
	}
	if !bundleFrom(&sec).Equal(b) || sec.UID != shipped.UID {
		t.Fatal("the shipped Secret was not filled in place")
	}
	if st := b.Check(testNames, time.Now()); !st.Valid {
		t.Fatalf("filled bundle: %+v", st)
	}
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

// The injection unit test may use the fake client (see the task's rules).
func TestInjectCABundleIntoBothConfigurations(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "argoguard"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{webhookEntry("a.argoguard.io"), webhookEntry("b.argoguard.io")}}
	v := webhookEntry("m.argoguard.io")
	mwc := &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "argoguard"},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: v.Name, SideEffects: v.SideEffects,
			AdmissionReviewVersions: v.AdmissionReviewVersions, ClientConfig: v.ClientConfig}}}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(vwc, mwc).Build()
	r := &Rotator{Client: c, ValidatingWebhook: "argoguard", MutatingWebhook: "argoguard", Log: logr.Discard()}
	ctx := context.Background()
	if err := r.InjectCABundle(ctx, []byte("CA-PEM")); err != nil {
		t.Fatal(err)
	}
	_ = c.Get(ctx, client.ObjectKey{Name: "argoguard"}, vwc)
	_ = c.Get(ctx, client.ObjectKey{Name: "argoguard"}, mwc)
	for _, cc := range []admissionregistrationv1.WebhookClientConfig{vwc.Webhooks[0].ClientConfig, vwc.Webhooks[1].ClientConfig, mwc.Webhooks[0].ClientConfig} {
		if string(cc.CABundle) != "CA-PEM" {
			t.Errorf("caBundle %q", cc.CABundle)
		}
	}
	rv := vwc.ResourceVersion
	if err := r.InjectCABundle(ctx, []byte("CA-PEM")); err != nil {
		t.Fatal(err)
	}
	_ = c.Get(ctx, client.ObjectKey{Name: "argoguard"}, vwc)
	if vwc.ResourceVersion != rv {
		t.Error("an unchanged caBundle was written again")
	}
	missing := &Rotator{Client: c, ValidatingWebhook: "absent", Log: logr.Discard()}
	if err := missing.InjectCABundle(ctx, []byte("x")); err != nil {
		t.Errorf("a missing configuration is skipped, not an error: %v", err)
	}
}

func TestWriteFilesFeedsTheCertWatcher(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	b1, err := NewBundle([]string{"localhost"}, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := WriteFiles(dir, b1); err != nil || !changed {
		t.Fatalf("first write: changed=%v err=%v", changed, err)
	}
	if changed, err := WriteFiles(dir, b1); err != nil || changed {
		t.Fatalf("identical write: changed=%v err=%v", changed, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, KeyKey)); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	w, err := certwatcher.New(filepath.Join(dir, KeyCert), filepath.Join(dir, KeyKey))
	if err != nil {
		t.Fatal(err)
	}
	serial := func() string {
		c, err := w.GetCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.SerialNumber.String()
	}
	first := serial()
	b2, _ := b1.Renew([]string{"localhost"}, now)
	if _, err := WriteFiles(dir, b2); err != nil {
		t.Fatal(err)
	}
	if err := w.ReadCertificate(); err != nil {
		t.Fatalf("watcher cannot read the rewritten pair: %v", err)
	}
	if serial() == first {
		t.Error("watcher still serves the old certificate")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
