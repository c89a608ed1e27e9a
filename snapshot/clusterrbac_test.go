package snapshot

import (
	"context"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/argoguard/argoguard/policy/k8srbac"
)

func TestClusterRBACListsEveryNamespace(t *testing.T) {
	cs := fake.NewClientset(
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "r"},
			Rules: []rbacv1.PolicyRule{{APIGroups: []string{"argoproj.io"}, Resources: []string{"workflows"}, ResourceNames: []string{"w"}, Verbs: []string{"get"}}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "b"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "r"},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "argo", Name: "x"}}},
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "c"}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "cb"}},
	)
	objs, err := (&ClientReader{Client: cs}).ClusterRBAC(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(objs.Roles) != 1 || len(objs.RoleBindings) != 1 || len(objs.ClusterRoles) != 1 || len(objs.ClusterRoleBindings) != 1 {
		t.Errorf("listed %d Roles, %d RoleBindings, %d ClusterRoles, %d ClusterRoleBindings; want one each",
			len(objs.Roles), len(objs.RoleBindings), len(objs.ClusterRoles), len(objs.ClusterRoleBindings))
	}
	// The conversion keeps what decides access.
	want := "apps: argoproj.io workflows named w [get] (via RoleBinding apps/b: Role apps/r)"
	if got := k8srbac.For("argo", "x", *objs).Lines(); len(got) != 1 || got[0] != want {
		t.Errorf("argo/x may %q; want %q", got, want)
	}

	cs.PrependReactor("list", "clusterrolebindings", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, "", nil)
	})
	_, err = (&ClientReader{Client: cs}).ClusterRBAC(context.Background())
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "ClusterRoleBindings") {
		t.Errorf("forbidden list: %v; want a Forbidden error naming ClusterRoleBindings", err)
	}
}
