package main

// `argoguard report --kubeconfig` and `rbac who-can --workflows` on a real
// API server holding the guide's fixed objects: the Workflows accounts'
// Kubernetes permissions appear.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/internal/testenv"
)

// applyFiles creates every object of the YAML files (multi-document).
func applyFiles(t *testing.T, c client.Client, files ...string) {
	t.Helper()
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(raw), "\n---") {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(m) == 0 {
				continue
			}
			if err := c.Create(context.Background(), &unstructured.Unstructured{Object: m}); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
}

func TestReportShowsWorkflowsAccountsKubernetesPermissions(t *testing.T) {
	env := testenv.APIServer(t, "argocd", "argo")
	fixed, _ := filepath.Glob(filepath.Join(guideDir, "fixed", "*.yaml"))
	applyFiles(t, env.Client, append(fixed, filepath.Join(guideDir, "sso-rbac", "fixed", "workflows-serviceaccounts.yaml"))...)
	ctx := context.Background()
	for _, o := range []client.Object{
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: "argo", Name: "workflow-editor"}, Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"argoproj.io"}, Resources: []string{"workflows"}, Verbs: []string{"get", "list", "watch", "create"}}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "argo", Name: "developers"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "workflow-editor"},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "argo", Name: "argo-developer"}}},
	} {
		if err := env.Client.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	user, err := env.AddUser(envtest.User{Name: "reviewer", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}

	r := cli(t, "", "report", "--kubeconfig", kubeconfig, "--settings", guideSettings, "--now", "none", "-o", "markdown")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"## Workflows accounts in Kubernetes",
		"**`argo/argo-developer`**\n\n- argo: argoproj.io workflows \\[get list watch create\\] (via RoleBinding argo/developers: Role argo/workflow-editor)",
		// Another account the guide's groups land on, bound to nothing.
		"**`argo/argo-admin`**\n\n- no RBAC rule is bound to it",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s\nstderr: %s", want, r.stdout, r.stderr)
		}
	}

	// who-can --workflows on the same cluster: the account, the group
	// acting as it, and what it may do in Kubernetes.
	r = cli(t, "", "rbac", "who-can", "--workflows", "argo-developer", "--kubeconfig", kubeconfig, "--settings", guideSettings)
	want := "argo/argo-developer (precedence 5, rule: 'a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15' in get($env, 'groups'))\n" +
		"  a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15 (argocd-developers)\n" +
		"  in Kubernetes:\n" +
		"    argo: argoproj.io workflows [get list watch create] (via RoleBinding argo/developers: Role argo/workflow-editor)\n"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("who-can --workflows: exit %d, output lacks %q:\n%s\nstderr: %s", r.code, want, r.stdout, r.stderr)
	}
}
