package apiservertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/argoguard/argoguard/certs"
)

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
	r := &certs.Rotator{Client: c, ValidatingWebhook: "argoguard", MutatingWebhook: "argoguard", Log: logr.Discard()}
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
	missing := &certs.Rotator{Client: c, ValidatingWebhook: "absent", Log: logr.Discard()}
	if err := missing.InjectCABundle(ctx, []byte("x")); err != nil {
		t.Errorf("a missing configuration is skipped, not an error: %v", err)
	}
}

func TestWriteFilesFeedsTheCertWatcher(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	b1, err := certs.NewBundle([]string{"localhost"}, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := certs.WriteFiles(dir, b1); err != nil || !changed {
		t.Fatalf("first write: changed=%v err=%v", changed, err)
	}
	if changed, err := certs.WriteFiles(dir, b1); err != nil || changed {
		t.Fatalf("identical write: changed=%v err=%v", changed, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, certs.KeyKey)); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	w, err := certwatcher.New(filepath.Join(dir, certs.KeyCert), filepath.Join(dir, certs.KeyKey))
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
	if _, err := certs.WriteFiles(dir, b2); err != nil {
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
