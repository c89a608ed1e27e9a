package snapshot

// Which objects beside the guarded ConfigMaps a snapshot holds, and how a
// change to one of them (an AppProject, an rbac-rule ServiceAccount) is
// applied to the lists the rules read.

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

// GuardsObject reports whether argoguard judges a change from old to obj
// (either may be nil) at ref: a guarded ConfigMap, an AppProject of Argo
// CD's namespace, or a ServiceAccount argo-server may choose (of the
// Workflows namespace, or of any namespace with
// workflows.namespaceDelegation) that carries the rbac-rule annotation
// before or after the change (removing the annotation changes who logs in
// as what, too).
func GuardsObject(set *settings.Settings, ref policy.ObjectRef, obj, old *policy.Object) bool {
	switch ref.Kind {
	case policy.KindAppProject:
		return set.GuardsArgoCD() && ref.Namespace == set.ArgoCD.Namespace
	case policy.KindServiceAccount:
		return set.IsWorkflowAccountNamespace(ref.Namespace) && (hasRule(obj) || hasRule(old))
	default:
		return IsGuarded(set, ref)
	}
}

func hasRule(o *policy.Object) bool {
	if o == nil {
		return false
	}
	_, ok := o.Annotations[wfrbac.AnnotationRule]
	return ok
}

// listsFor says which of the listed kinds a snapshot needs: the live state
// (no change, the audit) needs both; a change to an AppProject or a
// ServiceAccount needs its own kind (the rules compare it with its
// siblings); a change to a ConfigMap needs neither, so that an admission
// of a ConfigMap lists nothing.
func listsFor(change *Change) (projects, accounts bool) {
	if change == nil {
		return true, true
	}
	return change.Ref.Kind == policy.KindAppProject, change.Ref.Kind == policy.KindServiceAccount
}

// changedLists is the RBACObjectReader a snapshot is built from: the
// kinds the snapshot does not need are empty, and the changed object
// replaces (or, when nil, removes) its live version.
type changedLists struct {
	base               RBACObjectReader // nil: nothing live is known
	change             *Change
	projects, accounts bool
}

func (c changedLists) AppProjects(ctx context.Context, ns string) ([]*policy.Object, error) {
	return c.list(ctx, c.projects, policy.KindAppProject, ns, RBACObjectReader.AppProjects)
}

func (c changedLists) ServiceAccounts(ctx context.Context, ns string) ([]*policy.Object, error) {
	return c.list(ctx, c.accounts, policy.KindServiceAccount, ns, RBACObjectReader.ServiceAccounts)
}

func (c changedLists) TokenSecretNames(ctx context.Context, ns string) ([]string, error) {
	if c.base == nil {
		return nil, errNoLister
	}
	return c.base.TokenSecretNames(ctx, ns)
}

type listFunc func(RBACObjectReader, context.Context, string) ([]*policy.Object, error)

func (c changedLists) list(ctx context.Context, want bool, kind, ns string, list listFunc) ([]*policy.Object, error) {
	if !want {
		return nil, nil
	}
	var live []*policy.Object
	if c.base != nil {
		var err error
		if live, err = list(c.base, ctx, ns); err != nil {
			if c.change != nil {
				// A change cannot be judged without its siblings: even a
				// forbidden list is an error here, not a note.
				return nil, fmt.Errorf("listing the %ss of %s to judge %s: %v", kind, ns, c.change.Ref.Name, err)
			}
			return nil, err
		}
	}
	if c.change == nil || c.change.Ref.Kind != kind || c.change.Ref.Namespace != ns {
		return live, nil
	}
	out := slices.DeleteFunc(slices.Clone(live), func(o *policy.Object) bool { return o.Ref == c.change.Ref })
	if c.change.Object != nil && (kind != policy.KindServiceAccount || hasRule(c.change.Object)) {
		out = append(out, c.change.Object)
	}
	return out, nil
}

// errNoLister: the reader cannot list token Secrets, so they are unknown.
var errNoLister = errors.New("the reader lists no Secrets")

// LiveRBACObject returns the live version of the AppProject or rbac-rule
// ServiceAccount at ref, as reader lists it: it stands in for the old
// object of a DELETE that carried none. It is nil when argoguard does not
// guard that kind in ref's namespace, when reader lists no such objects,
// or when there is none at ref (a ServiceAccount without the rule is not
// listed, so it is not one argoguard judges).
func LiveRBACObject(ctx context.Context, set *settings.Settings, reader any, ref policy.ObjectRef) (*policy.Object, error) {
	rr, ok := reader.(RBACObjectReader)
	if !ok {
		return nil, nil
	}
	var list []*policy.Object
	var err error
	switch {
	case ref.Kind == policy.KindAppProject && set.GuardsArgoCD() && ref.Namespace == set.ArgoCD.Namespace:
		list, err = rr.AppProjects(ctx, ref.Namespace)
	case ref.Kind == policy.KindServiceAccount && set.GuardsWorkflows() && ref.Namespace == set.Workflows.Namespace:
		list, err = rr.ServiceAccounts(ctx, ref.Namespace)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the live %s %s/%s: %v", ref.Kind, ref.Namespace, ref.Name, err)
	}
	for _, o := range list {
		if o != nil && o.Ref == ref {
			return o, nil
		}
	}
	return nil, nil
}
