package webhook

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
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
type ClusterReader struct {
	config    *rest.Config
	scheme    *runtime.Scheme
	apiReader client.Reader

	mu     sync.Mutex
	ctx    context.Context // set by Start; caches created later start at once
	caches map[policy.ObjectRef]*objectCache
}

type objectCache struct {
	cache  cache.Cache
	synced atomic.Bool
	ready  chan struct{} // closed once synced
	start  sync.Once
}

// syncWait bounds how long an admission waits for a cache that is not
// synced yet (the API server's webhook timeout is 5 s at most by default
// in deploy/).
const syncWait = 3 * time.Second

// NewClusterReader returns a reader over the cluster config. apiReader is
// used for Secrets (the manager's GetAPIReader: no cache, no watch).
func NewClusterReader(cfg *rest.Config, scheme *runtime.Scheme, apiReader client.Reader) *ClusterReader {
	return &ClusterReader{config: cfg, scheme: scheme, apiReader: apiReader, caches: map[policy.ObjectRef]*objectCache{}}
}

// Watch makes sure a cache exists for each guarded object of set; it is
// called at start and whenever the settings change.
func (r *ClusterReader) Watch(set *settings.Settings) error {
	for _, ref := range snapshot.GuardedRefs(set) {
		if _, err := r.cacheFor(ref); err != nil {
			return err
		}
	}
	return nil
}

// configMapMapper knows the one kind the per-object caches hold. The
// cache asks its mapper whether the object is namespaced on every Get; the
// discovering default mapper's answer cost 5% of an admission's CPU.
var configMapMapper = func() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper([]schema.GroupVersion{corev1.SchemeGroupVersion})
	m.Add(corev1.SchemeGroupVersion.WithKind("ConfigMap"), meta.RESTScopeNamespace)
	return m
}()

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
	oc := &objectCache{cache: c, ready: make(chan struct{})}
	r.caches[ref] = oc
	if r.ctx != nil {
		r.startCache(r.ctx, oc)
	}
	return oc, nil
}

func (r *ClusterReader) startCache(ctx context.Context, oc *objectCache) {
	oc.start.Do(func() {
		// Ask for the ConfigMap informer now, so the cache syncs before the
		// first admission instead of during it.
		go func() { _, _ = oc.cache.GetInformer(ctx, &corev1.ConfigMap{}) }()
		go func() { _ = oc.cache.Start(ctx) }()
		go func() {
			if oc.cache.WaitForCacheSync(ctx) {
				oc.synced.Store(true)
				close(oc.ready)
			}
		}()
	})
}

// Start starts the caches and runs until ctx ends (a manager Runnable, on
// every replica).
func (r *ClusterReader) Start(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	for _, oc := range r.caches {
		r.startCache(ctx, oc)
	}
	r.mu.Unlock()
	<-ctx.Done()
	return nil
}

// NeedLeaderElection: every replica answers admissions.
func (r *ClusterReader) NeedLeaderElection() bool { return false }

// Synced reports whether the caches of every object set guards are synced.
func (r *ClusterReader) Synced(set *settings.Settings) error {
	for _, ref := range snapshot.GuardedRefs(set) {
		oc, err := r.cacheFor(ref)
		if err != nil {
			return err
		}
		if !oc.synced.Load() {
			return fmt.Errorf("cache for %s not synced yet", ref)
		}
	}
	return nil
}

// ConfigMap implements snapshot.Reader from the object's cache.
func (r *ClusterReader) ConfigMap(ctx context.Context, ns, name string) (*policy.Object, error) {
	oc, err := r.cacheFor(policy.ObjectRef{Kind: "ConfigMap", Namespace: ns, Name: name})
	if err != nil {
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
