package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// ClusterReader reads the guarded ConfigMaps through one small informer
// cache per object: each watches a single namespace with the field selector
// metadata.name=<name>, so argoguard never lists or watches any other
// ConfigMap. (Field selectors cannot OR two names, hence one cache per
// object.) Secrets are read with a direct GET by name, only when the
// settings allow it, and are never cached.
//
// Watch says which objects are guarded: their caches are created (and
// started while Start runs), the others stopped. OnChange subscribers hear
// of every informer event of a guarded object.
type ClusterReader struct {
	config    *rest.Config
	scheme    *runtime.Scheme
	apiReader client.Reader
	// Log receives cache failures (the zero logger discards).
	Log logr.Logger

	mu      sync.Mutex
	caches  map[policy.ObjectRef]*objectCache
	subs    []func(policy.ObjectRef)
	running bool
	// wake tells Start there are caches to start (one slot: a pending
	// wake covers every cache added before Start looks).
	wake chan struct{}
}

type objectCache struct {
	cache  cache.Cache
	synced atomic.Bool
	ready  chan struct{} // closed once synced
	// stop ends the cache; nil until Start started it (guarded by the
	// reader's mu).
	stop context.CancelFunc
	// done is closed when the cache has stopped.
	done chan struct{}
	// err is why the cache failed to run (nil while it runs or waits).
	err atomic.Pointer[error]
}

func (oc *objectCache) failure() error {
	if p := oc.err.Load(); p != nil {
		return *p
	}
	return nil
}

// syncWait bounds how long an admission waits for a cache that is not
// synced yet (the API server's webhook timeout is 5 s at most by default
// in deploy/).
const syncWait = 3 * time.Second

// NewClusterReader returns a reader over the cluster config. apiReader is
// used for Secrets (the manager's GetAPIReader: no cache, no watch).
func NewClusterReader(cfg *rest.Config, scheme *runtime.Scheme, apiReader client.Reader) *ClusterReader {
	return &ClusterReader{config: cfg, scheme: scheme, apiReader: apiReader,
		caches: map[policy.ObjectRef]*objectCache{}, wake: make(chan struct{}, 1)}
}

// Watch makes the guarded objects of set the ones watched: a cache for
// each (started at once while Start runs), and the caches of any other
// object stopped. It is called at start and whenever the settings change.
func (r *ClusterReader) Watch(set *settings.Settings) error {
	want := map[policy.ObjectRef]bool{}
	for _, ref := range snapshot.GuardedRefs(set) {
		want[ref] = true
		if _, err := r.cacheFor(ref); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for ref, oc := range r.caches {
		if !want[ref] {
			if oc.stop != nil {
				oc.stop()
			}
			delete(r.caches, ref)
		}
	}
	return nil
}

// OnChange adds f to the functions called with the object of every event
// of a watched object's informer (added, updated, deleted; the informer's
// initial listing included). f runs on the informer's goroutine and must
// return quickly. An update that leaves the object as it was (a key set to
// its value) reaches no informer and calls nothing.
func (r *ClusterReader) OnChange(f func(policy.ObjectRef)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, f)
}

func (r *ClusterReader) notify(ref policy.ObjectRef) {
	r.mu.Lock()
	subs := r.subs
	r.mu.Unlock()
	for _, f := range subs {
		f(ref)
	}
}

// configMapMapper knows the one kind the per-object caches hold. The
// cache asks its mapper whether the object is namespaced on every Get, and
// the discovering default mapper's answer is a measurable share of an
// admission's CPU.
var configMapMapper = func() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper([]schema.GroupVersion{corev1.SchemeGroupVersion})
	m.Add(corev1.SchemeGroupVersion.WithKind("ConfigMap"), meta.RESTScopeNamespace)
	return m
}()

// cacheFor returns the cache of ref, creating it (not started) if needed.
func (r *ClusterReader) cacheFor(ref policy.ObjectRef) (*objectCache, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if oc, ok := r.caches[ref]; ok {
		return oc, nil
	}
	c, err := cache.New(r.config, cache.Options{
		Scheme: r.scheme,
		Mapper: configMapMapper,
		DefaultNamespaces: map[string]cache.Config{
			ref.Namespace: {},
		},
		ByObject: map[client.Object]cache.ByObject{
			// Read-only sharing: every admission reads the other guarded
			// objects, and need not deep-copy each (data included). Nothing in argoguard modifies an object
			// it read (the defaulters copy before patching), and informers
			// replace objects instead of changing them.
			&corev1.ConfigMap{}: {Field: fields.OneTermEqualSelector("metadata.name", ref.Name), UnsafeDisableDeepCopy: ptr.To(true)},
		},
		DefaultTransform: cache.TransformStripManagedFields(),
	})
	if err != nil {
		return nil, fmt.Errorf("cache for %s: %w", ref, err)
	}
	// The informer exists before the cache starts, so it syncs before the
	// first admission instead of during it, and carries the event handler
	// from its first event on. (Not started yet: nothing blocks.)
	inf, err := c.GetInformer(context.Background(), &corev1.ConfigMap{}, cache.BlockUntilSynced(false))
	if err != nil {
		return nil, fmt.Errorf("informer for %s: %w", ref, err)
	}
	changed := func(any) { r.notify(ref) }
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    changed,
		UpdateFunc: func(_, obj any) { changed(obj) },
		DeleteFunc: changed,
	}); err != nil {
		return nil, fmt.Errorf("informer for %s: %w", ref, err)
	}
	oc := &objectCache{cache: c, ready: make(chan struct{}), done: make(chan struct{})}
	r.caches[ref] = oc
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return oc, nil
}

// Start runs the caches of the watched objects, and of those Watch adds
// later, until ctx ends (a manager Runnable, on every replica). A cache
// that fails to run fails readiness, is logged, and ends Start with its
// error: the manager stops, and the replica restarts.
func (r *ClusterReader) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return errors.New("cluster reader started twice")
	}
	r.running = true
	r.mu.Unlock()
	var wg sync.WaitGroup
	defer wg.Wait() // every cache stopped when Start returns
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	failed := make(chan error, 1)
	for {
		r.startCaches(ctx, &wg, failed)
		select {
		case <-ctx.Done():
			return nil
		case err := <-failed:
			return err
		case <-r.wake:
		}
	}
}

// startCaches starts every watched cache not started yet.
func (r *ClusterReader) startCaches(ctx context.Context, wg *sync.WaitGroup, failed chan<- error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for ref, oc := range r.caches {
		if oc.stop != nil {
			continue
		}
		cctx, stop := context.WithCancel(ctx)
		oc.stop = stop
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(oc.done)
			if err := oc.cache.Start(cctx); err != nil {
				err = fmt.Errorf("cache for %s: %w", ref, err)
				oc.err.Store(&err)
				r.Log.Error(err, "the cache of a guarded object stopped; admissions and the audit cannot read it")
				select {
				case failed <- err:
				default:
				}
			}
		}()
		go func() {
			defer wg.Done()
			if oc.cache.WaitForCacheSync(cctx) {
				oc.synced.Store(true)
				close(oc.ready)
			}
		}()
	}
}

// NeedLeaderElection: every replica answers admissions.
func (r *ClusterReader) NeedLeaderElection() bool { return false }

// Synced reports whether the caches of every object set guards are synced,
// naming each that is not. It creates nothing: an object not watched (yet)
// is not ready.
func (r *ClusterReader) Synced(set *settings.Settings) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, ref := range snapshot.GuardedRefs(set) {
		oc, ok := r.caches[ref]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s is not watched", ref))
		case oc.failure() != nil:
			errs = append(errs, oc.failure())
		case !oc.synced.Load():
			errs = append(errs, fmt.Errorf("cache for %s not synced yet", ref))
		}
	}
	return errors.Join(errs...)
}

// ConfigMap implements snapshot.Reader from the object's cache.
func (r *ClusterReader) ConfigMap(ctx context.Context, ns, name string) (*policy.Object, error) {
	oc, err := r.cacheFor(policy.ObjectRef{Kind: "ConfigMap", Namespace: ns, Name: name})
	if err != nil {
		return nil, err
	}
	if err := oc.failure(); err != nil {
		return nil, err
	}
	if !oc.synced.Load() {
		// An admission can arrive before the caches started or synced (the
		// webhook server starts first); wait a little, then fail clearly.
		select {
		case <-oc.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(syncWait):
			return nil, fmt.Errorf("the cache of %s/%s has not synced yet", ns, name)
		}
	}
	var cm corev1.ConfigMap
	if err := oc.cache.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &cm); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return snapshot.ConfigMapObject(&cm), nil
}

// Secret implements snapshot.Reader with a direct GET by name.
func (r *ClusterReader) Secret(ctx context.Context, ns, name string) (*policy.Object, error) {
	var s corev1.Secret
	if err := r.apiReader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return snapshot.SecretObject(&s), nil
}

// ReadyCheck is a healthz checker: ready once the caches of the current
// settings are synced.
func (r *ClusterReader) ReadyCheck(store *SettingsStore) func(*http.Request) error {
	return func(*http.Request) error { return r.Synced(store.Current()) }
}
