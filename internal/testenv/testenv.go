// Package testenv starts a real kube-apiserver and etcd (controller-runtime's
// envtest) for tests, from the binaries hack/build-controlplane.sh caches
// under bin/k8s/v1.37.2 or from KUBEBUILDER_ASSETS.
package testenv

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Assets returns the folder holding kube-apiserver, etcd and kubectl. When
// KUBEBUILDER_ASSETS is set (as `make test` does) a missing binary fails the
// test; otherwise, outside `make`, the test is skipped with the command that
// builds them.
func Assets(t testing.TB) string {
	t.Helper()
	dir, explicit := os.LookupEnv("KUBEBUILDER_ASSETS")
	if !explicit {
		_, here, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(here), "..", "..", "bin", "k8s", "v1.37.2")
	}
	if _, err := os.Stat(filepath.Join(dir, "kube-apiserver")); err != nil {
		if explicit {
			t.Fatalf("KUBEBUILDER_ASSETS=%s has no kube-apiserver: %v", dir, err)
		}
		t.Skipf("no kube-apiserver in %s (run `make controlplane`)", dir)
	}
	return dir
}

// Env is a running control plane.
type Env struct {
	*envtest.Environment
	Config *rest.Config
	// Client and Scheme know client-go's types.
	Client client.Client
	Scheme *k8sruntime.Scheme
}

// APIServer starts a control plane for the test, stopped at cleanup, and
// creates the given namespaces.
func APIServer(t testing.TB, namespaces ...string) *Env {
	t.Helper()
	// A loaded 2-core CI machine can take a while to start etcd.
	env := &envtest.Environment{BinaryAssetsDirectory: Assets(t), ControlPlaneStartTimeout: 3 * time.Minute}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	scheme := k8sruntime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range namespaces {
		if err := c.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	return &Env{Environment: env, Config: cfg, Client: c, Scheme: scheme}
}
