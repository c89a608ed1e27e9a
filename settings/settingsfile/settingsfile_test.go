package settingsfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/settings"
)

func TestGuideSettings(t *testing.T) {
	s, err := Load("../../test/testdata/guide/argoguard-settings.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode != settings.ModeEnforce || s.ArgoCD.Namespace != "argocd" || s.ArgoCD.ConfigMap != "argocd-cm" ||
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

// The groups file is read from the settings file's folder; its problems
// are errors of identity.groupsFile, given with the rest.
func TestGroupsFileProblemsNameTheField(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"Groups": [{"DisplayName": "x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.json"), []byte(`not json`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, yaml, want string }{
		{"missing groups file", "identity: {groupsFile: nope.json}\n", "identity.groupsFile"},
		{"group without id", "identity: {groupsFile: bad.json}\n", "Groups[0] has no GroupId"},
		{"groups file not json", "identity: {groupsFile: junk.json}\n", "list-groups"},
		{"with the rest", "mode: enforcing\nidentity: {groupsFile: absent.json}\n", "mode:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), dir, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "identity.groupsFile") {
				t.Fatalf("error %v, want one naming identity.groupsFile and %q", err, c.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), nil); err == nil || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}

// Rule overrides are checked against the catalogue the loader is given.
func TestLoadChecksRuleIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte("rules: {RBAC-01O: deny}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, func(id string) bool { return id == "RBAC-010" }); err == nil || !strings.Contains(err.Error(), "rules[RBAC-01O]") {
		t.Fatalf("an unknown rule ID accepted: %v", err)
	}
	if _, err := Load(path, nil); err != nil {
		t.Fatalf("without a catalogue the ID is not judged: %v", err)
	}
}

func TestGroupsPath(t *testing.T) {
	s := settings.Default()
	if p := GroupsPath("/etc/argoguard/settings.yaml", s); p != "" {
		t.Errorf("no groups file: %q", p)
	}
	s.Identity.GroupsFile = "groups.json"
	if p := GroupsPath("/etc/argoguard/settings.yaml", s); p != "/etc/argoguard/groups.json" {
		t.Errorf("relative groups file: %q", p)
	}
	s.Identity.GroupsFile = "/data/groups.json"
	if p := GroupsPath("/etc/argoguard/settings.yaml", s); p != "/data/groups.json" {
		t.Errorf("absolute groups file: %q", p)
	}
}
