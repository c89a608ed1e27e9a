package webhook

// The ClusterReader's lists of AppProjects, rbac-rule ServiceAccounts and
// token Secret names. They are read with direct LISTs, not informers: only
// an admission of that kind (or the audit's pass) needs them, so no
// ConfigMap admission waits on them, and a cluster without the AppProject
// CRD costs nothing and never holds readiness back.

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/snapshot"
)

var _ snapshot.RBACObjectReader = (*ClusterReader)(nil)

// AppProjects implements snapshot.RBACObjectReader; without the AppProject
// CRD there are none.
func (r *ClusterReader) AppProjects(ctx context.Context, ns string) ([]*policy.Object, error) {
	var list unstructured.UnstructuredList
	list.SetAPIVersion(appProjectGVK.Group + "/" + appProjectGVK.Version)
	list.SetKind("AppProjectList")
	if err := r.apiReader.List(ctx, &list, client.InNamespace(ns)); err != nil {
		if meta.IsNoMatchError(err) || apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	out := make([]*policy.Object, 0, len(list.Items))
	for i := range list.Items {
		o, err := policy.AppProjectObject(list.Items[i].Object)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ServiceAccounts implements snapshot.RBACObjectReader: those of ns with
// the rbac-rule annotation.
func (r *ClusterReader) ServiceAccounts(ctx context.Context, ns string) ([]*policy.Object, error) {
	var list corev1.ServiceAccountList
	if err := r.apiReader.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	var out []*policy.Object
	for i := range list.Items {
		if _, ok := list.Items[i].Annotations[wfrbac.AnnotationRule]; ok {
			out = append(out, snapshot.ServiceAccountObject(&list.Items[i]))
		}
	}
	return out, nil
}

// TokenSecretNames implements snapshot.RBACObjectReader with a metadata
// list: the Secrets' data never reaches argoguard. Forbidden unless the
// read-secrets component grants it; the snapshot then leaves them unknown.
func (r *ClusterReader) TokenSecretNames(ctx context.Context, ns string) ([]string, error) {
	var list metav1.PartialObjectMetadataList
	list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
	if err := r.apiReader.List(ctx, &list, client.InNamespace(ns),
		client.MatchingFields{"type": string(corev1.SecretTypeServiceAccountToken)}); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list.Items))
	for _, it := range list.Items {
		out = append(out, it.Name)
	}
	return out, nil
}
