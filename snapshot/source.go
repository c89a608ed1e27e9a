// Package snapshot assembles the policy.Snapshot of the guarded objects from
// whatever holds them: the webhook's informer caches, a plain clientset for
// the CLI's --kubeconfig, or objects already in memory. It knows Kubernetes
// types and names, not admission requests and not rules.
package snapshot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

// Reader reads one object by name. Both methods return nil, nil when the
// object does not exist. The webhook's implementation is
// webhook.ClusterReader (caches restricted to the guarded names); the CLI
// uses ClientReader; tests use StaticReader.
type Reader interface {
	ConfigMap(ctx context.Context, namespace, name string) (*policy.Object, error)
	Secret(ctx context.Context, namespace, name string) (*policy.Object, error)
}

// Source assembles snapshots from the live guarded objects.
//
// It is the entry point for other packages (the audit controller) that need
// findings for the live objects:
//
//	snap, err := src.Build(ctx, store.Current(), nil)   // the live state
//	findings, err := registry.EvaluateOnly(snap, nil)
//
// For an admission, Build is given the change: the new version of the
// object (CREATE, UPDATE) or its absence (DELETE).
type Source struct {
	Reader Reader
	// Now is the clock certificate rules compare with (time.Now if nil).
	Now func() time.Time
	// Log receives one line per Secret that cannot be read (by name and
	// error, never content); the zero logger discards.
	Log logr.Logger
	// Notes receives what the snapshot leaves out and why (a list the
	// credentials may not read); nil: they go to Log, once each.
	Notes func(string)

	// loggedMu guards logged: the last Secret read errors logged
	// ("namespace/name: error"), most recent first, at most
	// maxLoggedSecretErrors, so that a failing Secret is logged once, not
	// on every admission, and names written into a ConfigMap cannot grow it.
	loggedMu sync.Mutex
	logged   []string
}

// maxSecretReads bounds the Secret GETs of one snapshot: the guarded
// ConfigMaps name a handful, and a ConfigMap full of references must not
// turn one admission into a burst of API calls. Secrets beyond it are
// unknown to the rules.
const maxSecretReads = 16

// maxLoggedSecretErrors bounds the read errors remembered as logged.
const maxLoggedSecretErrors = 64

// Change replaces one guarded object in a snapshot: Object is its new
// version, or nil when the object is deleted.
type Change struct {
	Ref    policy.ObjectRef
	Object *policy.Object
}

// GuardedRefs returns the guarded ConfigMaps the settings name: Argo CD's
// two and the Workflows one, leaving out a component the settings turn off
// (argocd.enabled, workflows.enabled: false), which is then neither
// guarded, nor watched, nor waited for.
func GuardedRefs(set *settings.Settings) []policy.ObjectRef {
	refs := make([]policy.ObjectRef, 0, 3)
	for _, s := range snapshotSlots(set, &policy.Snapshot{}) {
		refs = append(refs, s.ref)
	}
	return refs
}

type snapshotSlot struct {
	ref  policy.ObjectRef
	slot **policy.Object
}

// snapshotSlots pairs each guarded ConfigMap with its field of snap.
func snapshotSlots(set *settings.Settings, snap *policy.Snapshot) []snapshotSlot {
	var out []snapshotSlot
	if set.GuardsArgoCD() {
		out = append(out,
			snapshotSlot{policy.ObjectRef{Kind: "ConfigMap", Namespace: set.ArgoCD.Namespace, Name: set.ArgoCD.ConfigMap}, &snap.ArgoCDCM},
			snapshotSlot{policy.ObjectRef{Kind: "ConfigMap", Namespace: set.ArgoCD.Namespace, Name: set.ArgoCD.RBACConfigMap}, &snap.RBACCM})
	}
	if set.GuardsWorkflows() {
		out = append(out, snapshotSlot{policy.ObjectRef{Kind: "ConfigMap", Namespace: set.Workflows.Namespace, Name: set.Workflows.ConfigMap}, &snap.WorkflowsCM})
	}
	return out
}

// IsGuarded reports whether ref is one of the guarded ConfigMaps.
func IsGuarded(set *settings.Settings, ref policy.ObjectRef) bool {
	for _, g := range GuardedRefs(set) {
		if g == ref {
			return true
		}
	}
	return false
}

// Build returns the snapshot of the guarded objects under set, with change
// applied (nil: the live state). Secrets are read only when the settings
// allow it, at most maxSecretReads of them; one that cannot be read (or is
// beyond the bound) is unknown, so the rules stay silent about it instead
// of guessing, and judge the others.
func (s *Source) Build(ctx context.Context, set *settings.Settings, change *Change) (*policy.Snapshot, error) {
	snap := &policy.Snapshot{Settings: set, Now: time.Now()}
	if s.Now != nil {
		snap.Now = s.Now()
	}
	for _, sl := range snapshotSlots(set, snap) {
		ref := sl.ref
		if change != nil && change.Ref == ref {
			*sl.slot = change.Object
			continue
		}
		obj, err := s.Reader.ConfigMap(ctx, ref.Namespace, ref.Name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", ref, err)
		}
		*sl.slot = obj
		if obj == nil {
			snap.Missing = append(snap.Missing, ref)
		}
	}
	if change != nil {
		ref := change.Ref
		snap.Changed = &ref
	}
	if set.Secrets.Read {
		snap.SecretsKnown = true
		for i, ref := range ReferencedSecrets(snap) {
			if i >= maxSecretReads {
				snap.SecretsUnknown = append(snap.SecretsUnknown, ref)
				s.logOnce(ref, fmt.Errorf("more than %d referenced Secrets; not read", maxSecretReads))
				continue
			}
			sec, err := s.Reader.Secret(ctx, ref.Namespace, ref.Name)
			if err != nil {
				// Forbidden or unreachable: the rules stay silent about
				// this Secret rather than guess.
				snap.SecretsUnknown = append(snap.SecretsUnknown, ref)
				s.logOnce(ref, err)
				continue
			}
			if sec != nil {
				snap.Secrets = append(snap.Secrets, sec)
			}
		}
	}
	lists := changedLists{change: change}
	lists.projects, lists.accounts = listsFor(change)
	if rr, ok := s.Reader.(RBACObjectReader); ok {
		lists.base = rr
	}
	notes, err := AddRBACObjects(ctx, snap, lists)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if s.Notes != nil {
			s.Notes(n)
		} else {
			s.logOnce(policy.ObjectRef{}, errors.New(n))
		}
	}
	return snap, nil
}

// logOnce logs a Secret that cannot be read (or a note on what the
// snapshot leaves out), unless the same one was among the last logged.
func (s *Source) logOnce(ref policy.ObjectRef, err error) {
	if s.Log.GetSink() == nil {
		return
	}
	key := ref.Namespace + "/" + ref.Name + ": " + err.Error()
	s.loggedMu.Lock()
	i := slices.Index(s.logged, key)
	if i < 0 {
		s.logged = slices.Insert(s.logged, 0, key)
		if len(s.logged) > maxLoggedSecretErrors {
			s.logged = slices.Delete(s.logged, maxLoggedSecretErrors, len(s.logged))
		}
	} else {
		copy(s.logged[1:i+1], s.logged[:i])
		s.logged[0] = key
	}
	s.loggedMu.Unlock()
	switch {
	case i >= 0:
	case ref.Kind == "Secret":
		s.Log.Error(err, "cannot read a referenced Secret; the rules that need it skip it", "secret", ref.Namespace+"/"+ref.Name)
	default:
		s.Log.Info(err.Error())
	}
}

// argoSecretRef matches Argo CD's "$<secret-name>:<key>" references; a
// plain "$<key>" refers to argocd-secret.
var (
	argoSecretRef = regexp.MustCompile(`\$([a-z0-9]([-a-z0-9.]*[a-z0-9])?):[-._a-zA-Z0-9]+`)
	argoPlainRef  = regexp.MustCompile(`(^|[\s"':])\$[-._a-zA-Z0-9]+\s*$`)
)

// ReferencedSecrets lists the Secrets the snapshot's ConfigMaps refer to:
// "$name:key" values in argocd-cm (namespace of Argo CD; "$key" means
// argocd-secret), and sso.clientId/clientSecret of the Workflows ConfigMap,
// looked up both in the Workflows namespace (where Workflows reads them)
// and in Argo CD's (where the guide's readers often leave them).
func ReferencedSecrets(snap *policy.Snapshot) []policy.ObjectRef {
	set := snap.Settings
	seen := map[policy.ObjectRef]bool{}
	add := func(ns, name string) {
		if ns != "" && name != "" {
			seen[policy.ObjectRef{Kind: "Secret", Namespace: ns, Name: name}] = true
		}
	}
	if cm := snap.ArgoCDCM; cm != nil {
		for _, v := range cm.Data {
			for _, m := range argoSecretRef.FindAllStringSubmatch(v, -1) {
				add(set.ArgoCD.Namespace, m[1])
			}
			for _, line := range splitLines(v) {
				if argoPlainRef.MatchString(line) && !argoSecretRef.MatchString(line) {
					add(set.ArgoCD.Namespace, "argocd-secret")
				}
			}
		}
	}
	if cm := snap.WorkflowsCM; cm != nil {
		// The budgeted parse the Workflows rules read (sso, or sso in config).
		if w := sso.ParseWorkflows(cm.Data); w.Present {
			for _, name := range []string{w.ClientID.Name.Value, w.ClientSecret.Name.Value} {
				add(set.Workflows.Namespace, name)
				add(set.ArgoCD.Namespace, name)
			}
		}
	}
	out := make([]policy.ObjectRef, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// StaticReader serves objects from memory: for tests and for callers that
// already hold the objects.
type StaticReader struct {
	Objects []*policy.Object
}

func (r *StaticReader) find(kind, ns, name string) *policy.Object {
	for _, o := range r.Objects {
		if o.Ref.Kind == kind && o.Ref.Namespace == ns && o.Ref.Name == name {
			return o
		}
	}
	return nil
}

// ConfigMap implements Reader.
func (r *StaticReader) ConfigMap(_ context.Context, ns, name string) (*policy.Object, error) {
	return r.find("ConfigMap", ns, name), nil
}

// Secret implements Reader.
func (r *StaticReader) Secret(_ context.Context, ns, name string) (*policy.Object, error) {
	return r.find("Secret", ns, name), nil
}

var _ RBACObjectReader = (*StaticReader)(nil)

func (r *StaticReader) all(kind, ns string) []*policy.Object {
	var out []*policy.Object
	for _, o := range r.Objects {
		if o.Ref.Kind == kind && o.Ref.Namespace == ns {
			out = append(out, o)
		}
	}
	return out
}

// AppProjects implements RBACObjectReader.
func (r *StaticReader) AppProjects(_ context.Context, ns string) ([]*policy.Object, error) {
	return r.all(policy.KindAppProject, ns), nil
}

// ServiceAccounts implements RBACObjectReader: those with the rbac-rule
// annotation.
func (r *StaticReader) ServiceAccounts(_ context.Context, ns string) ([]*policy.Object, error) {
	return slices.DeleteFunc(r.all(policy.KindServiceAccount, ns), func(o *policy.Object) bool { return !hasRule(o) }), nil
}

// TokenSecretNames implements RBACObjectReader: the names of the Secrets
// it holds in ns.
func (r *StaticReader) TokenSecretNames(_ context.Context, ns string) ([]string, error) {
	var out []string
	for _, o := range r.all("Secret", ns) {
		out = append(out, o.Ref.Name)
	}
	return out, nil
}
