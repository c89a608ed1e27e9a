package snapshot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	metadatafake "k8s.io/client-go/metadata/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/argoguard/argoguard/internal/guidetest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

func rbacCluster(t *testing.T, tokens ...string) *ClientReader {
	t.Helper()
	rule := map[string]string{wfrbac.AnnotationRule: "'a' in groups"}
	cs := fake.NewClientset(
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "argo-admin", Namespace: "argo", Annotations: rule}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "argo-server", Namespace: "argo"}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Namespace: "other", Annotations: rule}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "listed", Namespace: "argo", Annotations: rule},
			Secrets: []corev1.ObjectReference{{Name: "listed-token"}}},
	)
	project := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
		"metadata": map[string]any{"name": "team-a", "namespace": "argocd"},
		"spec": map[string]any{"roles": []any{map[string]any{
			"name": "developer", "groups": []any{"g"},
			"policies": []any{"p, proj:team-a:developer, applications, sync, team-a/*, allow"},
		}}},
	}}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{AppProjectResource: "AppProjectList"}, project)
	scheme := metadatafake.NewTestScheme()
	if err := metav1.AddMetaToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	var objs []runtime.Object
	for _, n := range tokens {
		objs = append(objs, &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: n, Namespace: "argo"}})
	}
	return &ClientReader{Client: cs, Dynamic: dyn, Metadata: metadatafake.NewSimpleMetadataClient(scheme, objs...)}
}

func TestAddRBACObjectsFromCluster(t *testing.T) {
	cases := []struct {
		name         string
		secretsKnown bool
		tokens       []string
		wantSecrets  []string
	}{
		{"secrets not read", false, []string{"argo-admin.service-account-token"}, nil},
		{"one token present", true, []string{"argo-admin.service-account-token", "unrelated"}, []string{"argo-admin.service-account-token"}},
		{"the .secrets entry names the token", true, []string{"listed-token"}, []string{"listed-token"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rbacCluster(t, tc.tokens...)
			snap := &policy.Snapshot{Settings: guidetest.Settings(t), SecretsKnown: tc.secretsKnown}
			if notes, err := AddRBACObjects(context.Background(), snap, r); err != nil || len(notes) > 0 {
				t.Fatal(err, notes)
			}
			if len(snap.Projects) != 1 || snap.Projects[0].Ref.Name != "team-a" || snap.AppProjects()[0].Project.Roles[0].Groups[0] != "g" {
				t.Errorf("projects: %v", snap.Projects)
			}
			var accounts []string
			for _, a := range snap.ServiceAccounts {
				accounts = append(accounts, a.Ref.Namespace+"/"+a.Ref.Name)
			}
			if len(accounts) != 2 || accounts[0] != "argo/argo-admin" || accounts[1] != "argo/listed" {
				t.Errorf("accounts %v, want the rbac-rule accounts of argo", accounts)
			}
			var secrets []string
			for _, s := range snap.Secrets {
				secrets = append(secrets, s.Ref.Name)
				if s.Data != nil {
					t.Errorf("token Secret %s carries data", s.Ref.Name)
				}
			}
			if len(secrets) != len(tc.wantSecrets) || (len(secrets) > 0 && secrets[0] != tc.wantSecrets[0]) {
				t.Errorf("secrets %v, want %v", secrets, tc.wantSecrets)
			}
		})
	}
}

// A cluster without the AppProject CRD has no projects; one where token
// Secrets cannot be listed leaves them unknown.
func TestAddRBACObjectsMissingCRDAndForbiddenSecrets(t *testing.T) {
	r := rbacCluster(t)
	dyn := r.Dynamic.(*dynamicfake.FakeDynamicClient)
	dyn.PrependReactor("list", "appprojects", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewNotFound(AppProjectResource.GroupResource(), "")
	})
	md := r.Metadata.(*metadatafake.FakeMetadataClient)
	md.PrependReactor("list", "secrets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(corev1.Resource("secrets"), "", errors.New("no"))
	})
	snap := &policy.Snapshot{Settings: guidetest.Settings(t), SecretsKnown: true}
	if notes, err := AddRBACObjects(context.Background(), snap, r); err != nil || len(notes) > 0 {
		t.Fatalf("a missing CRD or unlistable Secrets failed the read: %v %v", err, notes)
	}
	if len(snap.Projects) != 0 {
		t.Errorf("projects %v", snap.Projects)
	}
	if _, state := snap.LookupSecret("argo", "argo-admin.service-account-token"); state != policy.SecretUnknown {
		t.Errorf("token Secret state %v, want unknown", state)
	}
}

// Credentials that may not list AppProjects or ServiceAccounts leave them
// out with a note; the ConfigMaps are still judged.
func TestAddRBACObjectsForbiddenLists(t *testing.T) {
	r := rbacCluster(t)
	r.Dynamic.(*dynamicfake.FakeDynamicClient).PrependReactor("list", "appprojects", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(AppProjectResource.GroupResource(), "", errors.New("no"))
	})
	r.Client.(*fake.Clientset).PrependReactor("list", "serviceaccounts", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(corev1.Resource("serviceaccounts"), "", errors.New("no"))
	})
	snap := &policy.Snapshot{Settings: guidetest.Settings(t), SecretsKnown: true}
	notes, err := AddRBACObjects(context.Background(), snap, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "AppProjects of argocd") || !strings.Contains(notes[1], "ServiceAccounts of argo") {
		t.Errorf("notes %q", notes)
	}
	if len(snap.Projects)+len(snap.ServiceAccounts) != 0 {
		t.Errorf("objects read despite the refusal: %v %v", snap.Projects, snap.ServiceAccounts)
	}
	if !slices.Equal(snap.Unlisted, []string{policy.KindAppProject, policy.KindServiceAccount}) {
		t.Errorf("Unlisted = %v; the refused lists are not judged, which is not none", snap.Unlisted)
	}
}

// LiveRBACObject finds the live AppProject or rbac-rule ServiceAccount a
// DELETE without oldObject is about; it lists nothing where argoguard does
// not guard, and names the object when the list fails.
func TestLiveRBACObject(t *testing.T) {
	set := guidetest.Settings(t)
	ctx := context.Background()
	for _, tc := range []struct {
		ref  policy.ObjectRef
		want bool
	}{
		{policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "argo", Name: "argo-admin"}, true},
		{policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "argo", Name: "argo-server"}, false}, // no rule
		{policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "other", Name: "elsewhere"}, false},  // not guarded
		{policy.ObjectRef{Kind: policy.KindAppProject, Namespace: "argocd", Name: "team-a"}, true},
		{policy.ObjectRef{Kind: policy.KindAppProject, Namespace: "argocd", Name: "team-b"}, false},
	} {
		o, err := LiveRBACObject(ctx, set, rbacCluster(t), tc.ref)
		if err != nil || (o != nil) != tc.want || (o != nil && o.Ref != tc.ref) {
			t.Errorf("%v: %v, %v; want found=%v", tc.ref, o, err, tc.want)
		}
	}
	r := rbacCluster(t)
	r.Client.(*fake.Clientset).PrependReactor("list", "serviceaccounts", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(corev1.Resource("serviceaccounts"), "", errors.New("no"))
	})
	ref := policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "argo", Name: "argo-admin"}
	if _, err := LiveRBACObject(ctx, set, r, ref); err == nil || !strings.Contains(err.Error(), "ServiceAccount argo/argo-admin") {
		t.Errorf("a forbidden list: %v", err)
	}
	if o, err := LiveRBACObject(ctx, set, struct{}{}, ref); o != nil || err != nil {
		t.Errorf("a reader without lists: %v, %v", o, err)
	}
}
