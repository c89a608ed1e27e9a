package main

// `rbac can` and `who-can` with AppProjects answer as argocd-server does,
// which the project enforcer reproduces (proved against Argo CD's code).

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

const (
	devID     = "a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15" // argocd-developers
	auditorID = "c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28" // security-auditors
	unrelated = "testdata/rbac/unrelated.csv"
)

func TestRBACCanWithProjects(t *testing.T) {
	fixedProjects := filepath.Join(guide, "sso-rbac", "fixed")
	writtenProjects := filepath.Join(guide, "sso-rbac", "as-written")
	cases := []struct {
		name     string
		projects string
		group    string
		action   string
		object   string
		want     bool
	}{
		{"developer group syncs team-a", fixedProjects, devID, "sync", "team-a/web", true},
		{"developer group cannot sync team-b", fixedProjects, devID, "sync", "team-b/web", false},
		{"auditor group reads team-a", fixedProjects, auditorID, "get", "team-a/web", true},
		{"auditor group cannot sync team-a", fixedProjects, auditorID, "sync", "team-a/web", false},
		{"a role gets its project", fixedProjects, devID, "get", "", true},
		{"an unbound group gets nothing", fixedProjects, "someone-else", "get", "team-a/web", false},
		{"as written the ID the IdP sends is not bound", writtenProjects, devID, "sync", "team-a/web", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := "applications"
			if tc.object == "" {
				res, tc.object = "projects", "team-a"
			}
			stdout, stderr, code := argoguard(t, "", "rbac", "can", "alice", tc.action, res, tc.object,
				"--groups", tc.group, "--policy-file", unrelated, "--projects", tc.projects)
			got := strings.TrimSpace(stdout) == "Yes" && code == 0
			if !got && (strings.TrimSpace(stdout) != "No" || code != 1) {
				t.Fatalf("stdout %q, stderr %q, exit %d", stdout, stderr, code)
			}
			if got != tc.want {
				t.Errorf("answered %v, want %v", got, tc.want)
			}
			if enf := projectEnforcer(t, unrelated, tc.projects).Enforce(rbac.Claims{Sub: "alice", Groups: []string{tc.group}}, res, tc.action, tc.object); enf != got {
				t.Errorf("the CLI says %v, the project enforcer %v", got, enf)
			}
		})
	}
}

// projectEnforcer is the Snapshot's project enforcer over a policy file and
// the AppProjects of a folder.
func projectEnforcer(t *testing.T, policyFile, projects string) *rbac.ProjectEnforcer {
	t.Helper()
	set := settings.Default()
	f, err := manifest.ReadPolicyFile(policyFile, nil, set)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := manifest.Load(set, nil, projects)
	if err != nil {
		t.Fatal(err)
	}
	return (&policy.Snapshot{Settings: set, RBACCM: f.Object, Projects: ms.Projects}).ProjectEnforcer()
}

func TestRBACWhoCanWithProjects(t *testing.T) {
	stdout, stderr, code := argoguard(t, "", "rbac", "who-can", "sync", "applications", "team-a/web",
		"--policy-file", unrelated, "--projects", filepath.Join(guide, "sso-rbac", "fixed"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The group bound in the role, at the file line of its policy.
	for _, want := range []string{devID, "appproject-team-a.yaml:19 AppProject argocd/team-a spec.roles[0].policies[1]"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("who-can does not name %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, auditorID) {
		t.Errorf("the auditor group cannot sync:\n%s", stdout)
	}
}

func TestRBACProjectsUsage(t *testing.T) {
	_, stderr, code := argoguard(t, "", "rbac", "can", "a", "get", "app", "x/y", "--policy-file", unrelated, "--projects", filepath.Join(guide, "fixed"))
	if code != 2 || !strings.Contains(stderr, "no AppProject") {
		t.Errorf("a --projects folder without AppProjects: exit %d, %q", code, stderr)
	}
	_, stderr, code = argoguard(t, "", "rbac", "can", "a", "get", "app", "x/y", "--policy-file", "-", "--projects", "-")
	if code != 2 || !strings.Contains(stderr, "stdin") {
		t.Errorf("two readers of stdin: exit %d, %q", code, stderr)
	}
}

func TestRBACDiffProjects(t *testing.T) {
	written := filepath.Join(guide, "sso-rbac", "as-written")
	fixed := filepath.Join(guide, "sso-rbac", "fixed")
	cases := []struct {
		name           string
		args           []string
		want, wantNot  []string
		code           int
		stderrContains string
	}{
		{"the fix moves the roles from display names to IDs", []string{written, fixed},
			[]string{
				"AppProject argocd/team-a",
				"+ " + devID + " gains sync applications team-a/*  (" + fixed + "/appproject-team-a.yaml:19 AppProject argocd/team-a spec.roles[0].policies[1])",
				"- argocd-developers loses sync applications team-a/*",
				"+ " + auditorID + " gains role proj:team-a:auditor",
			},
			[]string{auditorID + " gains sync"}, 0, ""},
		{"no change", []string{fixed, fixed}, []string{"No change in permissions."}, nil, 0, ""},
		{"over a global policy file", []string{written, fixed, "--policy-file", unrelated}, []string{"+ " + devID + " gains sync applications team-a/*"}, nil, 0, ""},
		{"one side without AppProjects", []string{written, filepath.Join(guide, "fixed", "argocd-rbac-cm.yaml")}, nil, nil, 2, "both hold AppProjects"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := argoguard(t, "", append([]string{"rbac", "diff"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.stderrContains) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.stderrContains)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("missing %q in:\n%s", w, stdout)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(stdout, w) {
					t.Errorf("unexpected %q in:\n%s", w, stdout)
				}
			}
		})
	}
}
