package webhook

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// unreachable is a reader whose caches never reach an API server: they
// start, retry their listing, and stop when told.
func unreachable() *ClusterReader {
	return NewClusterReader(&rest.Config{Host: "https://127.0.0.1:1"}, clientgoscheme.Scheme, nil)
}

// The readiness check looks; it creates no cache for an object nobody
// asked to watch.
func TestReadinessCreatesNoCache(t *testing.T) {
	r := unreachable()
	if err := r.Synced(settings.Default()); err == nil || !strings.Contains(err.Error(), "not watched") {
		t.Errorf("ready without a watched object: %v", err)
	}
	if n := len(r.caches); n != 0 {
		t.Errorf("the readiness check created %d caches", n)
	}
}

// Settings that stop guarding an object (workflows.enabled: false) stop its
// cache; the others run on.
func TestCacheOfAnObjectNoLongerGuardedStops(t *testing.T) {
	r := unreachable()
	all := settings.Default()
	if err := r.Watch(all); err != nil {
		t.Fatal(err)
	}
	wf := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: "workflow-controller-configmap"}
	retired := r.caches[wf]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Start(ctx) }()
	argoCDOnly, err := settings.Parse([]byte("workflows: {enabled: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Watch may run before Start has started the cache: then it is dropped
	// unstarted. Wait for Start to have started all three first.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		r.mu.Lock()
		started := retired.stop != nil
		r.mu.Unlock()
		if started {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Start never started the caches")
		}
	}
	if err := r.Watch(argoCDOnly); err != nil {
		t.Fatal(err)
	}
	select {
	case <-retired.done:
	case <-time.After(time.Minute):
		t.Fatal("the cache of the Workflows ConfigMap still runs after it stopped being guarded")
	}
	if _, ok := r.caches[wf]; ok || len(r.caches) != 2 {
		t.Errorf("watched after the change: %d caches, Workflows among them %v", len(r.caches), ok)
	}
	for ref, oc := range r.caches {
		select {
		case <-oc.done:
			t.Errorf("the cache of %s stopped though still guarded", ref)
		default:
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Start on shutdown: %v", err)
	}
}

// failingCache is a cache whose informers cannot start.
type failingCache struct{ cache.Cache }

func (failingCache) Start(context.Context) error { return errors.New("informer already started") }

func (failingCache) WaitForCacheSync(ctx context.Context) bool { <-ctx.Done(); return false }

// A cache that fails to start is not dropped silently: readiness and reads
// fail with its error, and Start returns it.
func TestCacheStartErrorIsSurfaced(t *testing.T) {
	r := unreachable()
	set, err := settings.Parse([]byte("workflows: {enabled: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Watch(set); err != nil {
		t.Fatal(err)
	}
	rbac := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	r.caches[rbac].cache = failingCache{}
	done := make(chan error, 1)
	go func() { done <- r.Start(context.Background()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "argocd-rbac-cm") || !strings.Contains(err.Error(), "informer already started") {
			t.Errorf("Start returned %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Start goes on with a cache that failed")
	}
	if err := r.Synced(set); err == nil || !strings.Contains(err.Error(), "informer already started") {
		t.Errorf("readiness with a failed cache: %v", err)
	}
	if _, err := r.ConfigMap(context.Background(), "argocd", "argocd-rbac-cm"); err == nil || !strings.Contains(err.Error(), "informer already started") {
		t.Errorf("read from a failed cache: %v", err)
	}
}
