package snapshot

// The AppProjects and rbac-rule ServiceAccounts of a live cluster, and the
// names of the token Secrets those accounts need, for callers that read
// the cluster once (the CLI's --kubeconfig).

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

// RBACObjectReader lists the objects beside the ConfigMaps that decide
// what a group may do.
type RBACObjectReader interface {
	// AppProjects lists namespace's AppProjects; a cluster without the
	// AppProject CRD has none (nil, nil).
	AppProjects(ctx context.Context, namespace string) ([]*policy.Object, error)
	// ServiceAccounts lists namespace's ServiceAccounts that carry the
	// rbac-rule annotation.
	ServiceAccounts(ctx context.Context, namespace string) ([]*policy.Object, error)
	// TokenSecretNames lists the names of namespace's service-account
	// token Secrets, without reading their data.
	TokenSecretNames(ctx context.Context, namespace string) ([]string, error)
}

// AppProjectResource is the resource argocd-server lists AppProjects as.
var AppProjectResource = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "appprojects"}

// AddRBACObjects fills snap's Projects (Argo CD's namespace) and
// ServiceAccounts (the Workflows namespace, and the changed account's
// namespace when argo-server delegates to it) from r, for the components
// the settings guard. The live state (no change) holds the Workflows
// namespace's accounts only (the audit's); AddDelegatedAccounts adds the
// others. When snap's Secrets are known, the token Secrets the
// accounts name are added by name (no data); when they cannot be listed,
// they are unknown, so WFSA-008 stays silent rather than guess. A list the
// credentials may not read is a note, not an error: the ConfigMaps are
// still judged.
func AddRBACObjects(ctx context.Context, snap *policy.Snapshot, r RBACObjectReader) (notes []string, err error) {
	set := snap.Settings
	if set.GuardsArgoCD() {
		ps, err := r.AppProjects(ctx, set.ArgoCD.Namespace)
		switch {
		case apierrors.IsForbidden(err):
			notes = append(notes, fmt.Sprintf("may not list the AppProjects of %s: their roles are not judged", set.ArgoCD.Namespace))
			snap.Unlisted = append(snap.Unlisted, policy.KindAppProject)
		case err != nil:
			return notes, fmt.Errorf("listing the AppProjects of %s: %w", set.ArgoCD.Namespace, err)
		}
		snap.Projects = ps
	}
	if !set.GuardsWorkflows() {
		return notes, nil
	}
	ns := set.Workflows.Namespace
	sas, err := r.ServiceAccounts(ctx, ns)
	switch {
	case apierrors.IsForbidden(err):
		snap.Unlisted = append(snap.Unlisted, policy.KindServiceAccount)
		return append(notes, fmt.Sprintf("may not list the ServiceAccounts of %s: their rbac-rule annotations are not judged", ns)), nil
	case err != nil:
		return notes, fmt.Errorf("listing the ServiceAccounts of %s: %w", ns, err)
	}
	namespaces := []string{ns}
	if d := delegatedChange(snap, set); d != "" {
		// The changed account's siblings: its namespace's accounts, and the
		// Workflows namespace's, which its precedence is compared with.
		more, err := r.ServiceAccounts(ctx, d)
		if err != nil {
			return notes, fmt.Errorf("listing the ServiceAccounts of %s: %w", d, err)
		}
		sas = append(sas, more...)
		namespaces = append(namespaces, d)
	}
	snap.ServiceAccounts = sas
	if !snap.SecretsKnown || len(sas) == 0 {
		return notes, nil
	}
	for _, ns := range namespaces {
		addTokenSecrets(ctx, snap, r, ns)
	}
	return notes, nil
}

// AddDelegatedAccounts adds to a live snapshot (built without a change)
// the rbac-rule accounts of the namespaces argo-server delegates to
// (workflows.namespaceDelegation): every namespace's but the Workflows
// one's, in one cluster-wide list, with their token Secrets' names when
// Secrets are known. It is for callers that judge the cluster once (the
// CLI's --kubeconfig); the audit does not call it, since its reports in
// those namespaces would need write access there. Credentials that may
// not list ServiceAccounts cluster-wide leave them out with a note.
func AddDelegatedAccounts(ctx context.Context, snap *policy.Snapshot, r RBACObjectReader) (notes []string, err error) {
	set := snap.Settings
	if snap.Changed != nil || !set.DelegatesToNamespaces() || slices.Contains(snap.Unlisted, policy.KindServiceAccount) {
		return nil, nil
	}
	all, err := r.ServiceAccounts(ctx, metav1.NamespaceAll)
	switch {
	case apierrors.IsForbidden(err):
		return []string{"may not list ServiceAccounts in every namespace: the rbac-rule accounts of the namespaces argo-server delegates to are not judged"}, nil
	case err != nil:
		return nil, fmt.Errorf("listing the ServiceAccounts of every namespace: %w", err)
	}
	var namespaces []string
	for _, o := range all {
		if ns := o.Ref.Namespace; ns != set.Workflows.Namespace {
			snap.ServiceAccounts = append(snap.ServiceAccounts, o)
			if !slices.Contains(namespaces, ns) {
				namespaces = append(namespaces, ns)
			}
		}
	}
	if snap.SecretsKnown {
		for _, ns := range namespaces {
			addTokenSecrets(ctx, snap, r, ns)
		}
	}
	return nil, nil
}

// delegatedChange is the namespace of the changed rbac-rule account when
// it is not the Workflows namespace and argo-server delegates to it
// (workflows.namespaceDelegation), else "".
func delegatedChange(snap *policy.Snapshot, set *settings.Settings) string {
	c := snap.Changed
	if c == nil || c.Kind != policy.KindServiceAccount || c.Namespace == set.Workflows.Namespace || !set.IsWorkflowAccountNamespace(c.Namespace) {
		return ""
	}
	return c.Namespace
}

// addTokenSecrets adds, by name, the token Secrets the accounts of ns
// name and ns has; when they cannot be listed they are unknown.
func addTokenSecrets(ctx context.Context, snap *policy.Snapshot, r RBACObjectReader, ns string) {
	names, err := r.TokenSecretNames(ctx, ns)
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, a := range snap.WorkflowAccounts() {
		if a.Account.Namespace != ns {
			continue
		}
		ref := policy.ObjectRef{Kind: "Secret", Namespace: ns, Name: a.Account.TokenSecretName()}
		switch {
		case err != nil:
			snap.SecretsUnknown = append(snap.SecretsUnknown, ref)
		case have[ref.Name]:
			snap.Secrets = append(snap.Secrets, &policy.Object{Ref: ref})
		}
	}
}

var _ RBACObjectReader = (*ClientReader)(nil)

// AppProjects implements RBACObjectReader with the dynamic client.
func (r *ClientReader) AppProjects(ctx context.Context, namespace string) ([]*policy.Object, error) {
	if r.Dynamic == nil {
		return nil, nil
	}
	list, err := r.Dynamic.Resource(AppProjectResource).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
		return nil, nil // no AppProject CRD: no projects
	}
	if err != nil {
		return nil, err
	}
	var out []*policy.Object
	for _, it := range list.Items {
		o, err := policy.AppProjectObject(it.Object)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ServiceAccounts implements RBACObjectReader.
func (r *ClientReader) ServiceAccounts(ctx context.Context, namespace string) ([]*policy.Object, error) {
	list, err := r.Client.CoreV1().ServiceAccounts(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []*policy.Object
	for i := range list.Items {
		if _, ok := list.Items[i].Annotations[wfrbac.AnnotationRule]; ok {
			out = append(out, ServiceAccountObject(&list.Items[i]))
		}
	}
	return out, nil
}

// TokenSecretNames implements RBACObjectReader with the metadata client:
// the Secrets' data never leaves the API server.
func (r *ClientReader) TokenSecretNames(ctx context.Context, namespace string) ([]string, error) {
	if r.Metadata == nil {
		return nil, fmt.Errorf("no metadata client")
	}
	list, err := r.Metadata.Resource(corev1.SchemeGroupVersion.WithResource("secrets")).Namespace(namespace).
		List(ctx, metav1.ListOptions{FieldSelector: "type=" + string(corev1.SecretTypeServiceAccountToken)})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list.Items))
	for _, it := range list.Items {
		out = append(out, it.Name)
	}
	return out, nil
}

// ServiceAccountObject converts a ServiceAccount to the form policy/
// judges.
func ServiceAccountObject(sa *corev1.ServiceAccount) *policy.Object {
	var secrets []any
	for _, s := range sa.Secrets {
		secrets = append(secrets, map[string]any{"name": s.Name})
	}
	meta := map[string]any{"name": sa.Name, "namespace": sa.Namespace}
	if sa.Labels != nil {
		meta["labels"] = anyMap(sa.Labels)
	}
	if sa.Annotations != nil {
		meta["annotations"] = anyMap(sa.Annotations)
	}
	return policy.ServiceAccountObject(map[string]any{"metadata": meta, "secrets": secrets})
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
