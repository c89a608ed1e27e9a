package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGuideSettings(t *testing.T) {
	s, err := Load("../test/testdata/guide/argoguard-settings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode != ModeEnforce || s.ArgoCD.Namespace != "argocd" || s.ArgoCD.ConfigMap != "argocd-cm" ||
		s.ArgoCD.RBACConfigMap != "argocd-rbac-cm" || s.Workflows.ConfigMap != "workflow-controller-configmap" {
		t.Fatalf("defaults not applied: %+v", s)
	}
	if len(s.Identity.Groups) != 3 {
		t.Fatalf("groups from aws-groups.json: got %d, want 3", len(s.Identity.Groups))
	}
	if !s.SendsGroupIDs() {
		t.Error("AWS IAM Identity Center sends group IDs by default")
	}
	if got := s.ResolveSubject("argocd-admins"); got != "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01" {
		t.Errorf("ResolveSubject(argocd-admins) = %q", got)
	}
	if got := s.DisplayName("c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28"); got != "security-auditors (c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28)" {
		t.Errorf("DisplayName = %q", got)
	}
	if got := s.ResolveSubject("role:admin"); got != "role:admin" {
		t.Errorf("a role must resolve to itself, got %q", got)
	}
}

func TestSendsGroupIDsOverride(t *testing.T) {
	s, err := Parse([]byte("identity:\n  provider: aws-iam-identity-center\n  sendsGroupIDs: false\n  groups: [{id: g1, name: devs}]\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if s.SendsGroupIDs() {
		t.Error("sendsGroupIDs: false must win over the provider default")
	}
	if got := s.ResolveSubject("devs"); got != "devs" {
		t.Errorf("without group IDs a name stays a name, got %q", got)
	}
	if Default().SendsGroupIDs() {
		t.Error("no provider: names are sent")
	}
}

func TestBadSettingsNameTheField(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"Groups": [{"DisplayName": "x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.json"), []byte(`not json`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, yaml, want string }{
		{"mode", "mode: enforcing\n", "mode"},
		{"unknown field", "mdoe: audit\n", "mdoe"},
		{"rule action", "rules: {RBAC-010: block}\n", "rules[RBAC-010]"},
		{"empty group id", "identity: {groups: [{name: devs}]}\n", "identity.groups[0]"},
		{"duplicate group", "identity: {groups: [{id: a}, {id: a}]}\n", "identity.groups[1]"},
		{"missing groups file", "identity: {groupsFile: nope.json}\n", "identity.groupsFile"},
		{"group without id", "identity: {groupsFile: bad.json}\n", "Groups[0] has no GroupId"},
		{"groups file not json", "identity: {groupsFile: junk.json}\n", "list-groups"},
		{"invariant fields", "invariants: [{name: prod, action: sync, only: [x]}]\n", "invariants[0].resource"},
		{"invariant subjects", "invariants: [{name: prod, resource: applications, action: sync, object: 'prod/*'}]\n", "only, never, always"},
		{"not yaml", "mode: [\n", "settings:"},
		{"provider typo", "identity: {provider: aws-iam-identity-centre}\n", "identity.provider"},
		{"namespace", "argocd: {namespace: ArgoCD}\n", "argocd.namespace"},
		{"configmap name", "workflows: {configMap: 'wf cm'}\n", "workflows.configMap"},
		{"same configmap twice", "argocd: {configMap: argocd-cm, rbacConfigMap: argocd-cm}\n", "argocd.rbacConfigMap"},
		{"url", "argocd: {url: argocd.example.com}\n", "argocd.url"},
		{"empty admin group", "adminGroups: ['']\n", "adminGroups[0]"},
		{"break-glass service account", "breakGlass: {serviceAccounts: ['system:serviceaccount:ops:fixer']}\n", "breakGlass.serviceAccounts[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), dir)
			if err == nil {
				t.Fatalf("accepted %q", c.yaml)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %q", err, c.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml")); err == nil || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}
