package webhook

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/argoguard/argoguard/internal/testenv"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// The ClusterReader lists the rbac-rule ServiceAccounts of a namespace (and
// only those) with list rights on ServiceAccounts and nothing on Secrets;
// without the AppProject CRD there are no projects, not an error; token
// Secret names need the read-secrets grant, and without it a ServiceAccount
// admission still sees its siblings (WFSA-004 compares them).
func TestClusterReaderListsRBACObjects(t *testing.T) {
	env := testenv.APIServer(t)
	admin, scheme := env.Client, env.Scheme
	ctx := context.Background()
	for _, ns := range []string{"argocd", "argo"} {
		if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	grantArgoguard(t, admin, "argo", rbacv1.PolicyRule{
		APIGroups: []string{""}, Resources: []string{"serviceaccounts"}, Verbs: []string{"get", "list", "watch"}})
	for _, o := range []client.Object{
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "argo", Name: "team-a", Annotations: map[string]string{
			"workflows.argoproj.io/rbac-rule": "'a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15' in groups", "workflows.argoproj.io/rbac-rule-precedence": "5"}}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "argo", Name: "builder"}},
	} {
		if err := admin.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	user, err := env.AddUser(envtest.User{Name: "argoguard"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	restricted, _ := client.New(user.Config(), client.Options{Scheme: scheme})
	reader := NewClusterReader(user.Config(), scheme, restricted)

	if ps, err := reader.AppProjects(ctx, "argocd"); err != nil || len(ps) != 0 {
		t.Errorf("AppProjects without the CRD = %v, %v; want none, no error", ps, err)
	}
	sas, err := reader.ServiceAccounts(ctx, "argo")
	if err != nil || len(sas) != 1 || sas[0].Ref.Name != "team-a" {
		t.Fatalf("ServiceAccounts = %v, %v; want team-a only", sas, err)
	}
	if _, err := reader.TokenSecretNames(ctx, "argo"); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("TokenSecretNames without the read-secrets grant: %v, want forbidden", err)
	}

	// A second account with the same precedence whose rule can match the
	// same users: the admission's snapshot holds both.
	set := guideSettings(t)
	twin := policy.ServiceAccountObject(map[string]any{"metadata": map[string]any{"name": "team-a-twin", "namespace": "argo",
		"annotations": map[string]any{"workflows.argoproj.io/rbac-rule": "'a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15' in groups",
			"workflows.argoproj.io/rbac-rule-precedence": "5"}}})
	snap, err := (&snapshot.Source{Reader: listsOnly{reader}}).Build(ctx, set, &snapshot.Change{Ref: twin.Ref, Object: twin})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range snap.ServiceAccounts {
		names = append(names, o.Ref.Name)
	}
	if strings.Join(names, ",") != "team-a,team-a-twin" || len(snap.Projects) != 0 {
		t.Errorf("snapshot of the twin's admission holds accounts %v and %d projects", names, len(snap.Projects))
	}
}

// listsOnly is the reader's lists with no ConfigMaps (its caches are not
// started in this test).
type listsOnly struct{ *ClusterReader }

func (listsOnly) ConfigMap(context.Context, string, string) (*policy.Object, error) { return nil, nil }
