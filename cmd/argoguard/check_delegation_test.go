package main

// `argoguard check` on rbac-rule ServiceAccounts of a namespace other than
// the Workflows namespace: judged when the settings say argo-server
// delegates to namespaces, ignored with a note otherwise.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const teamDisplayName = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: team-devs
  namespace: team-a
  annotations:
    workflows.argoproj.io/rbac-rule: "'argocd-developers' in get($env, 'groups')"
    workflows.argoproj.io/rbac-rule-precedence: "20"
`

func TestCheckDelegatedNamespaceAccounts(t *testing.T) {
	dir := t.TempDir()
	settingsYAML, err := os.ReadFile(guideSettings)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := os.ReadFile(filepath.Join(guideDir, "aws-groups.json"))
	if err != nil {
		t.Fatal(err)
	}
	delegating := strings.Replace(string(settingsYAML), "  namespace: argo\n", "  namespace: argo\n  namespaceDelegation: true\n", 1)
	if delegating == string(settingsYAML) {
		t.Fatal("the guide's settings changed shape: no workflows namespace line")
	}
	for name, data := range map[string]string{"on.yaml": delegating, "aws-groups.json": string(groups), "team-a.yaml": teamDisplayName} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inputs := []string{filepath.Join(guideDir, "sso-rbac", "fixed", "workflows-serviceaccounts.yaml"), filepath.Join(dir, "team-a.yaml")}

	r := cli(t, "", append([]string{"check", "--settings", filepath.Join(dir, "on.yaml"), "--now", now, "-o", "json"}, inputs...)...)
	if !strings.Contains(r.stdout, `"WFSA-002"`) || !strings.Contains(r.stdout, `"team-a"`) || r.code == 0 {
		t.Errorf("delegation on: want WFSA-002 on team-a/team-devs and a failing exit, got code %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	fs, r := checkObjects(t, inputs...)
	if len(fs) != 0 || !strings.Contains(r.stdout+r.stderr, "ServiceAccount team-a/team-devs ignored") {
		t.Errorf("delegation off: want no finding and a note that team-a's account is ignored, got %v\n%s\n%s", fs, r.stdout, r.stderr)
	}
}
