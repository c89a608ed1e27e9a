package deploy

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// startAPIServer starts kube-apiserver and etcd (envtest, from
// KUBEBUILDER_ASSETS; the test is skipped without it) with the given CRDs,
// stopped when the test ends.
func startAPIServer(t *testing.T, crds ...*apiextensionsv1.CustomResourceDefinition) *rest.Config {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Skip("KUBEBUILDER_ASSETS not set: run `make test` (kube-apiserver and etcd from `make controlplane`)")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ControlPlaneStartTimeout: 3 * time.Minute, CRDs: crds}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	return cfg
}

// warningCollector keeps the API server's warnings (PodSecurity, deprecations).
type warningCollector struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningCollector) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warningCollector) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

// Every object the chart renders, in each setup, is accepted by a real
// kube-apiserver v1.37.2 (server-side dry-run create: schema, the CEL of
// the matchConditions, label syntax) without a warning, Pod Security
// "restricted" enforced on the release namespace. cert-manager's kinds are
// left out (no CRDs here; TestKustomizationsBuildIntoValidObjects decodes
// them). Needs KUBEBUILDER_ASSETS (make test sets it).
func TestHelmObjectsAreAcceptedByTheAPIServer(t *testing.T) {
	warnings := &warningCollector{}
	cfg := rest.CopyConfig(startAPIServer(t))
	cfg.WarningHandler = warnings
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, ns := range []string{"argoguard", "argocd", "argo", "gitops"} {
		obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}
		if ns == releaseNS {
			obj.Labels = map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}
		}
		if err := c.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	warnings.take()

	for name, sets := range map[string]map[string]any{
		"default values": nil,
		"audit":          {"settings.mode": "audit"},
		"cert-manager":   {"certManagement": "cert-manager"},
		"network policy": {
			"networkPolicy.enabled":     true,
			"networkPolicy.webhookFrom": []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.0.0.0/16"}}},
		},
		"renamed objects and read Secrets": {
			"settings.argocd.namespace":    "gitops",
			"settings.workflows.namespace": "gitops",
			"readSecrets.argocd":           []any{"argocd-secret"},
			"readSecrets.tokenSecretNames": true,
			"extraArgs":                    []any{"--v=1"},
		},
		"Argo Workflows only": {
			"settings.argocd.enabled":      false,
			"readSecrets.tokenSecretNames": true,
		},
	} {
		objs, err := helmTemplate(t, sets, guideValues)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		created := 0
		for _, o := range objs {
			if strings.HasPrefix(o.GetAPIVersion(), "cert-manager.io/") {
				continue
			}
			if err := c.Create(ctx, o.DeepCopy(), client.DryRunAll); err != nil {
				t.Errorf("%s: the API server rejects %s: %v", name, o.key(), err)
			}
			created++
		}
		if w := warnings.take(); len(w) > 0 {
			t.Errorf("%s: the API server warned: %v", name, w)
		}
		if created < 15 {
			t.Errorf("%s: only %d objects checked", name, created)
		}
	}
}
