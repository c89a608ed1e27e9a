package main

// `argoguard check` on the guide's AppProject and Workflows ServiceAccounts
// reports what expected-findings.md lists, at the objects' file lines.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/internal/guidetest"
)

type objectFinding struct {
	Rule     string `json:"rule"`
	Action   string `json:"action"`
	Location struct {
		Object struct {
			Kind, Namespace, Name string
		} `json:"object"`
		Path     string `json:"path"`
		File     string `json:"file"`
		FileLine int    `json:"fileLine"`
	} `json:"location"`
}

func checkObjects(t *testing.T, args ...string) ([]objectFinding, result) {
	t.Helper()
	r := cli(t, "", append([]string{"check", "--settings", guideSettings, "--now", now, "-o", "json"}, args...)...)
	var rep struct {
		Findings []objectFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	var out []objectFinding
	for _, f := range rep.Findings {
		if k := f.Location.Object.Kind; k == "AppProject" || k == "ServiceAccount" {
			out = append(out, f)
		}
	}
	return out, r
}

func TestCheckGuideRBACObjects(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(guideDir, "expected-findings.md"))
	if err != nil {
		t.Fatal(err)
	}
	expected, _, err := guidetest.ParseExpectedObjects(string(raw))
	if err != nil || len(expected) == 0 {
		t.Fatalf("expected-findings.md: %v (%d findings)", err, len(expected))
	}
	cases := []struct {
		name string
		args []string
		// secrets: a Secret file is among the inputs, so the cluster-only
		// findings are judged.
		secrets bool
	}{
		{"as-written ConfigMaps (a Secret file)", []string{filepath.Join(guideDir, "as-written"), filepath.Join(guideDir, "sso-rbac", "as-written")}, true},
		{"fixed ConfigMaps (a Secret file)", []string{filepath.Join(guideDir, "fixed"), filepath.Join(guideDir, "sso-rbac", "as-written")}, true},
		{"objects alone (no Secret file)", []string{filepath.Join(guideDir, "sso-rbac", "as-written")}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, e := range expected {
				if !e.ClusterOnly || tc.secrets {
					want = append(want, e.Object+" "+e.ID+" "+e.Path)
				}
			}
			sort.Strings(want)
			fs, r := checkObjects(t, tc.args...)
			var got []string
			for _, f := range fs {
				o := f.Location.Object
				got = append(got, o.Kind+" "+o.Namespace+"/"+o.Name+" "+f.Rule+" "+f.Location.Path)
				if f.Location.File == "" || f.Location.FileLine == 0 {
					t.Errorf("%s on %s/%s %s has no file line", f.Rule, o.Kind, o.Name, f.Location.Path)
				}
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s\nstderr: %s", strings.Join(got, "\n"), strings.Join(want, "\n"), r.stderr)
			}
			if r.code != 1 {
				t.Errorf("exit %d, want 1 (the AppProject is denied)", r.code)
			}
		})
	}
	// The file line is the line of the field the finding names.
	fs, _ := checkObjects(t, filepath.Join(guideDir, "sso-rbac", "as-written"))
	lines := map[string]int{}
	for _, f := range fs {
		lines[f.Location.Object.Name+" "+f.Location.Path] = f.Location.FileLine
	}
	for key, text := range map[string]string{
		"team-a spec.roles[0].groups[0]":                                   "- argocd-developers",
		"team-a spec.roles[1].groups[0]":                                   "- security-auditors",
		"argo-admin metadata.annotations[workflows.argoproj.io/rbac-rule]": "'argocd-admins' in groups",
	} {
		file := "appproject-team-a.yaml"
		if strings.HasPrefix(key, "argo-") {
			file = "workflows-serviceaccounts.yaml"
		}
		if got := fileLine(t, filepath.Join(guideDir, "sso-rbac", "as-written", file), lines[key]); !strings.Contains(got, text) {
			t.Errorf("%s points at line %d %q, want the line holding %q", key, lines[key], got, text)
		}
	}
}

func TestCheckGuideFixedRBACObjectsClean(t *testing.T) {
	fs, r := checkObjects(t, "--fail-on", "warn", filepath.Join(guideDir, "fixed"), filepath.Join(guideDir, "sso-rbac", "fixed"))
	for _, f := range fs {
		if f.Action == "deny" || f.Action == "warn" {
			t.Errorf("%s %s on %s %s", f.Action, f.Rule, f.Location.Object.Name, f.Location.Path)
		}
	}
	if r.code != 0 {
		t.Errorf("exit %d, want 0; stderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"kind": "AppProject"`) || !strings.Contains(r.stdout, `"name": "argo-readonly"`) {
		t.Errorf("the AppProject and the accounts are not listed as checked:\n%s", r.stdout)
	}
}

// Objects outside the namespaces argo-server and argocd-server read, and
// ServiceAccounts without a rule, are not judged.
func TestCheckIgnoresObjectsServersDoNotRead(t *testing.T) {
	in := `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: elsewhere, namespace: other}
spec:
  roles:
  - name: r
    groups: [argocd-developers]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: plain, namespace: argo}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: team
  namespace: argo
  annotations: {workflows.argoproj.io/rbac-rule: "'argocd-admins' in groups"}
`
	r := cli(t, in, "check", "--settings", guideSettings, "--now", now, "-o", "json", "-")
	if !strings.Contains(r.stderr, "AppProject other/elsewhere ignored") {
		t.Errorf("no note about the AppProject of another namespace: %q", r.stderr)
	}
	if strings.Contains(r.stdout, `"elsewhere"`) || strings.Contains(r.stdout, `"plain"`) {
		t.Errorf("judged an object the servers do not read:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"WFSA-002"`) {
		t.Errorf("the rbac-rule account was not judged:\n%s", r.stdout)
	}
}

func fileLine(t *testing.T, path string, n int) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// A project token argocd-server recorded in status is reported at its
// file line under status.jwtTokensByRole, once although the spec has it
// too.
func TestCheckProjectTokenInStatus(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "team-a.yaml", `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
  namespace: argocd
spec:
  roles:
  - name: ci
    policies:
    - p, proj:team-a:ci, applications, sync, team-a/*, allow
    jwtTokens:
    - iat: 1700000100
      id: forever
status:
  jwtTokensByRole:
    ci:
      items:
      - iat: 1700000200
        exp: 1900000000
        id: fine
      - iat: 1700000100
        id: forever
`)
	found, r := checkObjects(t, dir, "--rule", "PROJ-009")
	if r.code != 0 || len(found) != 1 {
		t.Fatalf("exit %d, findings %+v\nstderr: %s", r.code, found, r.stderr)
	}
	if l := found[0].Location; l.Path != "status.jwtTokensByRole[ci].items[1]" || l.FileLine != 21 {
		t.Errorf("at %s line %d, want status.jwtTokensByRole[ci].items[1] line 21", l.Path, l.FileLine)
	}
}
