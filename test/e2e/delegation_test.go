package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

// SSO namespace delegation through kubectl, with what the
// workflows-delegation component adds (its ClusterRole and binding, the
// ServiceAccount webhook without namespaceSelector) and settings
// workflows.namespaceDelegation: an rbac-rule ServiceAccount of team-a
// testing a display name is refused with WFSA-002 (dry-run agrees, nothing
// is stored), the one with the group ID above the guide's accounts is
// accepted, and an unannotated account there is not judged. The webhook
// runs as argoguard's ServiceAccount, so the reads of team-a's accounts
// are the component's grant.
func TestDelegatedNamespaceServiceAccount(t *testing.T) {
	c := fresh(t)
	withRBACObjects(t)
	installDelegationComponent(t)
	settings, err := writeSettingsVariant(enforceSettings, filepath.Join(t.TempDir(), "delegation-settings"), func(s string) (string, error) {
		out := strings.Replace(s, "\n  namespace: argo\n", "\n  namespace: argo\n  namespaceDelegation: true\n", 1)
		if out == s {
			return "", fmt.Errorf("the settings have no workflows namespace line")
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	useSettings(t, c, settings)
	if res := kubectl(t, "create", "namespace", "team-a"); res.Err != nil {
		t.Fatalf("%s", res)
	}
	t.Cleanup(func() { kubectl(t, "delete", "namespace", "team-a", "--wait=false") })
	if res := kubectl(t, "apply", "-f", guide("sso-rbac", "fixed", "workflows-serviceaccounts.yaml")); res.Err != nil {
		t.Fatalf("the guide's fixed accounts: %s", res)
	}

	account := func(name, rule string) string {
		path := filepath.Join(t.TempDir(), name+".yaml")
		doc := fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n  namespace: team-a\n  annotations:\n"+
			"    workflows.argoproj.io/rbac-rule: %q\n    workflows.argoproj.io/rbac-rule-precedence: \"20\"\n", name, rule)
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad := account("team-devs", "'argocd-developers' in get($env, 'groups')")
	// The API server picks the widened webhook up asynchronously.
	deadline := time.Now().Add(time.Minute)
	dry := kubectl(t, "apply", "--dry-run=server", "-f", bad)
	for dry.ExitCode == 0 && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		dry = kubectl(t, "apply", "--dry-run=server", "-f", bad)
	}
	res := kubectl(t, "apply", "-f", bad)
	if shown := errorFor(res, "team-devs"); res.ExitCode != 1 || !strings.Contains(shown, "WFSA-002") || !strings.Contains(shown, "metadata.annotations[workflows.argoproj.io/rbac-rule]") {
		t.Fatalf("a display-name rule in team-a: exit %d, want a WFSA-002 denial on the rbac-rule annotation", res.ExitCode)
	}
	if dry.ExitCode != res.ExitCode || strings.Join(ruleIDs(dry.Output()), ",") != strings.Join(ruleIDs(res.Output()), ",") {
		t.Errorf("dry-run exited %d with %v; the real apply %d with %v", dry.ExitCode, ruleIDs(dry.Output()), res.ExitCode, ruleIDs(res.Output()))
	}
	if get := kubectl(t, "get", "serviceaccount", "team-devs", "-n", "team-a", "--ignore-not-found", "-o", "name"); strings.TrimSpace(get.Stdout) != "" {
		t.Errorf("the denied account is stored: %s", get.Stdout)
	}
	// With the ID it is accepted; the one warning says where the
	// developers' requests about team-a now act.
	good := account("team-devs", "'a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15' in get($env, 'groups')")
	if res := kubectl(t, "apply", "-f", good); res.Err != nil || strings.Join(ruleIDs(res.Output()), ",") != "WFSA-010" ||
		!strings.Contains(res.Output(), "to team-a/team-devs (requests about team-a)") {
		t.Errorf("the account with the group ID: %s", res)
	}
	if res := kubectl(t, "create", "serviceaccount", "builder", "-n", "team-a"); res.Err != nil || len(ruleIDs(res.Output())) != 0 {
		t.Errorf("an unannotated account in team-a: %s", res)
	}
}

// installDelegationComponent applies what the workflows-delegation
// component adds to the installed configuration: its ClusterRole and
// binding as rendered, and the ServiceAccount webhook's namespaceSelector
// removed (the installed webhooks point at the test's webhook process, so
// they are patched, not reapplied). The test's cleanup restores both.
func installDelegationComponent(t *testing.T) {
	t.Helper()
	rendered := kubectl(t, "kustomize", repoRoot+"/test/deploy/testdata/workflows-delegation")
	if rendered.Err != nil {
		t.Fatalf("%s", rendered)
	}
	var docs []string
	for _, doc := range cluster.SplitYAML([]byte(rendered.Stdout)) {
		if strings.Contains(doc, "\n  name: argoguard-serviceaccounts\n") && strings.Contains(doc, "kind: Cluster") {
			docs = append(docs, doc)
		}
	}
	if len(docs) != 2 {
		t.Fatalf("workflows-delegation renders %d ClusterRoles and ClusterRoleBindings, want 2", len(docs))
	}
	rbac := filepath.Join(t.TempDir(), "rbac.yaml")
	if err := os.WriteFile(rbac, []byte(strings.Join(docs, "\n---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := kubectl(t, "apply", "-f", rbac); res.Err != nil {
		t.Fatalf("applying the component's RBAC: %s", res)
	}
	t.Cleanup(func() {
		kubectl(t, "delete", "clusterrole,clusterrolebinding", "argoguard-serviceaccounts", "--ignore-not-found")
	})

	got := kubectl(t, "get", "validatingwebhookconfiguration", "argoguard", "-o", "json")
	if got.Err != nil {
		t.Fatalf("%s", got)
	}
	var cfg struct {
		Webhooks []struct {
			Name              string          `json:"name"`
			NamespaceSelector json.RawMessage `json:"namespaceSelector"`
		} `json:"webhooks"`
	}
	if err := json.Unmarshal([]byte(got.Stdout), &cfg); err != nil {
		t.Fatal(err)
	}
	for i, w := range cfg.Webhooks {
		if w.Name != "serviceaccounts.validate.argoguard.io" {
			continue
		}
		patch := func(op string, value json.RawMessage) string {
			p := fmt.Sprintf(`[{"op":"test","path":"/webhooks/%d/name","value":%q},{"op":%q,"path":"/webhooks/%d/namespaceSelector"`, i, w.Name, op, i)
			if value != nil {
				p += `,"value":` + string(value)
			}
			return p + "}]"
		}
		if res := kubectl(t, "patch", "validatingwebhookconfiguration", "argoguard", "--type=json", "-p", patch("remove", nil)); res.Err != nil {
			t.Fatalf("widening the ServiceAccount webhook: %s", res)
		}
		t.Cleanup(func() {
			if res := kubectl(t, "patch", "validatingwebhookconfiguration", "argoguard", "--type=json", "-p", patch("add", w.NamespaceSelector)); res.Err != nil {
				t.Errorf("restoring the ServiceAccount webhook's namespaceSelector: %s", res)
			}
		})
		return
	}
	t.Fatal("no ServiceAccount webhook installed")
}
