package audit_test

// The audit controller against a real kube-apiserver and etcd (envtest,
// binaries from hack/build-controlplane.sh via KUBEBUILDER_ASSETS), with the
// CRDs of deploy/crds installed from the files users install.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/audit"
)

const repoRoot = ".."

var (
	testEnv *envtest.Environment
	cfg     *rest.Config
	scheme  = runtime.NewScheme()
	k8s     client.Client
	// registry holds the controller's metrics, as /metrics does.
	registry = prometheus.NewRegistry()
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// envSkip says why the control-plane tests skip (empty when it runs).
var envSkip string

// needEnv skips a test that needs the control plane when there is none.
func needEnv(t *testing.T) {
	t.Helper()
	if envSkip != "" {
		t.Skip(envSkip)
	}
}

func run(m *testing.M) int {
	if err := audit.RegisterMetrics(registry); err != nil {
		panic(err)
	}
	// As internal/testenv: with KUBEBUILDER_ASSETS set (make test) a
	// missing kube-apiserver fails; without it, outside make, the control
	// plane tests skip and the others run.
	assets, explicit := os.LookupEnv("KUBEBUILDER_ASSETS")
	if !explicit {
		assets = filepath.Join(repoRoot, "bin/k8s/v1.37.2")
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		if explicit {
			fmt.Fprintf(os.Stderr, "KUBEBUILDER_ASSETS=%s has no kube-apiserver: %v\n", assets, err)
			return 1
		}
		envSkip = "no kube-apiserver in " + assets + " (run `make controlplane`)"
		return m.Run()
	}
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		panic(err)
	}
	testEnv = &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		ControlPlaneStartTimeout: 3 * time.Minute, // a loaded 2-core machine
		// Only the PolicyReport CRD at first: the openreports test installs
		// its CRD later, to see the controller pick it up. The AppProject
		// CRD (a minimal stand-in) lets the audit list projects.
		CRDInstallOptions: envtest.CRDInstallOptions{
			Paths: []string{
				filepath.Join(repoRoot, "deploy/crds/wgpolicyk8s.io_policyreports.yaml"),
				filepath.Join("testdata", "crds", "appprojects.yaml"),
			},
			ErrorIfPathMissing: true,
		},
	}
	var err error
	if cfg, err = testEnv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting envtest:", err)
		return 1
	}
	defer func() { _ = testEnv.Stop() }()
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, ns := range []string{"argocd", "argo"} {
		if err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

// applyFile creates or replaces the ConfigMap or Secret in a manifest of
// the guide (path relative to the repository root).
func applyFile(t *testing.T, rel string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct{ Kind string }
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		t.Fatal(err)
	}
	var obj client.Object
	switch meta.Kind {
	case "ConfigMap":
		obj = &corev1.ConfigMap{}
	case "Secret":
		obj = &corev1.Secret{}
	default:
		t.Fatalf("%s: kind %q", rel, meta.Kind)
	}
	if err := yaml.UnmarshalStrict(raw, obj); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := k8s.Create(ctx, obj); apierrors.IsAlreadyExists(err) {
		cur := obj.DeepCopyObject().(client.Object)
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), cur); err != nil {
			t.Fatal(err)
		}
		obj.SetResourceVersion(cur.GetResourceVersion())
		err = k8s.Update(ctx, obj)
		if err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
}

func applyDir(t *testing.T, rel string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, rel, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s", rel)
	}
	for _, f := range files {
		r, _ := filepath.Rel(repoRoot, f)
		applyFile(t, r)
	}
}
