package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// argoguard runs one command line in-process, as main does, and returns
// what it printed and its exit status.
func argoguard(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(stdin), &o, &e)
	return o.String(), e.String(), code
}

const (
	guide     = "../../test/testdata/guide"
	csvPolicy = "testdata/rbac/policy.csv"
)

func TestRBACCan(t *testing.T) {
	fixed := guide + "/fixed/argocd-rbac-cm.yaml"
	cases := []struct {
		name   string
		args   []string
		stdout string
		stderr string
		code   int
	}{
		{"group id gets admin through g line", []string{"can", "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01", "sync", "app", "prod/web", "--policy-file", fixed}, "Yes\n", "", 0},
		{"default role only reads", []string{"can", "anyone", "sync", "applications", "prod/web", "--policy-file", fixed}, "No\n", "", 1},
		{"default role reads", []string{"can", "anyone", "get", "apps", "--policy-file", fixed}, "Yes\n", "", 0},
		{"--default-role overrides policy.default", []string{"can", "anyone", "get", "apps", "--default-role", "role:none", "--policy-file", fixed}, "No\n", "", 1},
		{"developer syncs team projects", []string{"can", "a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15", "sync", "applications", "team-a/web", "--policy-file", fixed}, "Yes\n", "", 0},
		{"developer cannot sync prod", []string{"can", "a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15", "sync", "applications", "prod/web", "--policy-file", fixed}, "No\n", "", 1},
		{"csv file, deny blocks bob's own role", []string{"can", "bob", "sync", "app", "team-a/secret", "--policy-file", csvPolicy}, "No\n", "", 1},
		{"csv file, * means */* for apps", []string{"can", "dev-group", "get", "app", "*", "--policy-file", csvPolicy}, "Yes\n", "", 0},
		{"strict refuses unknown action", []string{"can", "bob", "deploy", "app", "x/y", "--policy-file", csvPolicy}, "", "'deploy' is not a valid action for applications", 2},
		{"strict refuses unknown resource", []string{"can", "bob", "get", "widgets", "x", "--policy-file", csvPolicy}, "", "'widgets' is not a valid resource name", 2},
		{"--strict=false answers verbatim", []string{"can", "bob", "get", "widgets", "x", "--strict=false", "--policy-file", csvPolicy}, "No\n", "", 1},
		{"quiet", []string{"can", "-q", "dev-group", "sync", "app", "team-a/x", "--policy-file", csvPolicy}, "", "", 0},
		{"refused policy names key and line", []string{"can", "bob", "get", "app", "--policy-file", "testdata/rbac/bad-cm.yaml"}, "", `data["policy.team-b.csv"] line 2 (file line 11): p line has 5 fields, needs exactly 6 (p, sub, res, act, obj, effect)`, 2},
		{"regex mode: built-in admin grants nothing", []string{"can", "ops", "get", "app", "x/y", "--policy-file", "testdata/rbac/regex-cm.yaml"}, "No\n", "", 1},
		{"regex mode: anchored pattern", []string{"can", "dev-group", "sync", "app", "team-a/x", "--policy-file", "testdata/rbac/regex-cm.yaml"}, "Yes\n", "", 0},
		{"--groups: as the server, a group needs a g line", []string{"can", "alice", "sync", "app", "x/y", "--groups", "lonely", "--policy-file", "testdata/rbac/claims.csv"}, "No\n", "", 1},
		{"without --groups the group subject is answered directly", []string{"can", "lonely", "sync", "app", "x/y", "--policy-file", "testdata/rbac/claims.csv"}, "Yes\n", "", 0},
		{"--groups: a bound group", []string{"can", "alice", "sync", "app", "x/y", "--groups", "lonely,bound", "--policy-file", "testdata/rbac/claims.csv"}, "Yes\n", "", 0},
		{"missing policy file", []string{"can", "bob", "get", "app", "--policy-file", "nope.csv"}, "", "no such file", 2},
		{"too few arguments", []string{"can", "bob", "get", "--policy-file", csvPolicy}, "", "need SUBJECT ACTION RESOURCE", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := argoguard(t, "", append([]string{"rbac"}, tc.args...)...)
			if out != tc.stdout || code != tc.code || !strings.Contains(errOut, tc.stderr) {
				t.Fatalf("stdout %q stderr %q exit %d; want stdout %q, stderr containing %q, exit %d", out, errOut, code, tc.stdout, tc.stderr, tc.code)
			}
		})
	}
}

func TestRBACCanBatch(t *testing.T) {
	want := "Yes\nNo\nNo\nYes\n" +
		"error: testdata/rbac/queries.csv line 6: 'deploy' is not a valid action for applications\n" +
		"error: testdata/rbac/queries.csv line 7: 'widgets' is not a valid resource name\n"
	out, errOut, code := argoguard(t, "", "rbac", "can", "--batch", "testdata/rbac/queries.csv", "--policy-file", csvPolicy)
	if out != want || code != 0 {
		t.Fatalf("stdout:\n%s\nstderr %q exit %d; want:\n%s", out, errOut, code, want)
	}
	// stdin, and --strict=false answers every query
	raw, _ := os.ReadFile("testdata/rbac/queries.csv")
	out, _, code = argoguard(t, string(raw), "rbac", "can", "--batch", "-", "--strict=false", "--policy-file", csvPolicy)
	if want := "Yes\nNo\nNo\nYes\nNo\nNo\n"; out != want || code != 0 {
		t.Fatalf("stdin batch: %q exit %d, want %q", out, code, want)
	}
	_, errOut, code = argoguard(t, "", "rbac", "can", "--batch", "testdata/rbac/queries.csv", "--policy-file", "testdata/rbac/bad-cm.yaml")
	if code != 2 || !strings.Contains(errOut, `data["policy.team-b.csv"] line 2`) {
		t.Fatalf("bad policy in batch: exit %d stderr %q", code, errOut)
	}
}

func TestRBACValidate(t *testing.T) {
	settingsFile := guide + "/argoguard-settings.yaml"
	out, _, code := argoguard(t, "", "rbac", "validate", "--policy-file", guide+"/as-written/argocd-rbac-cm.yaml", "--settings", settingsFile)
	if code != 1 {
		t.Errorf("as-written: exit %d, want 1 (deny findings)", code)
	}
	for _, want := range []string{
		`DENY RBAC-007 (high) ../../test/testdata/guide/as-written/argocd-rbac-cm.yaml: data["policy.csv"] line 1 (file line 12): object "/*" never matches`,
		`DENY RBAC-004 (high) ../../test/testdata/guide/as-written/argocd-rbac-cm.yaml: data["policy.csv"] line 6 (file line 17): "argocd-admins" is a display name; IAM Identity Center sends 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01`,
		"fix: write g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("as-written output lacks %q:\n%s", want, out)
		}
	}

	out, _, code = argoguard(t, "", "rbac", "validate", "-o", "json", "--policy-file", guide+"/fixed/argocd-rbac-cm.yaml", "--settings", settingsFile)
	var found []struct {
		Rule   string `json:"rule"`
		Action string `json:"action"`
	}
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if code != 0 {
		t.Errorf("fixed: exit %d, want 0", code)
	}
	for _, f := range found {
		if f.Action != "audit" {
			t.Errorf("fixed: %s %s", f.Rule, f.Action)
		}
	}

	out, _, code = argoguard(t, "", "rbac", "validate", "--policy-file", "testdata/rbac/bad-cm.yaml")
	if code != 1 || !strings.Contains(out, `RBAC-001 (critical) testdata/rbac/bad-cm.yaml: data["policy.team-b.csv"] line 2 (file line 11): Argo CD refuses this line`) {
		t.Errorf("bad policy: exit %d\n%s", code, out)
	}
	_, errOut, code := argoguard(t, "", "rbac", "validate", "--policy-file", csvPolicy, "--settings", "nope.yaml")
	if code != 2 || !strings.Contains(errOut, "nope.yaml") {
		t.Errorf("missing settings: exit %d stderr %q", code, errOut)
	}
}

func TestRBACWhoCan(t *testing.T) {
	out, _, code := argoguard(t, "", "rbac", "who-can", "sync", "app", "team-a/x", "--policy-file", csvPolicy)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"dev-group: testdata/rbac/policy.csv:2 via dev-group -> role:dev (testdata/rbac/policy.csv:4)",
		"bob: testdata/rbac/policy.csv:2 via bob -> role:dev (testdata/rbac/policy.csv:6)",
		"admin: built-in policy line",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("who-can lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = argoguard(t, "", "rbac", "who-can", "sync", "app", "team-a/secret", "-o", "json", "--policy-file", csvPolicy)
	var r struct {
		Everyone bool `json:"everyone"`
		Subjects []struct {
			Subject string `json:"subject"`
		} `json:"subjects"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Subjects {
		if s.Subject == "bob" {
			t.Errorf("bob is denied team-a/secret but listed: %s", out)
		}
	}
}

func TestRBACDiff(t *testing.T) {
	dir := t.TempDir()
	oldF, newF := filepath.Join(dir, "old.csv"), filepath.Join(dir, "new.csv")
	os.WriteFile(oldF, []byte("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\n"), 0o600)
	// Reordered, moved to another role with the same effect, plus one new grant.
	os.WriteFile(newF, []byte("g, devs, role:team\n\np, role:team, applications, get, */*, allow\np, role:team, applications, sync, dev/*, allow\n"), 0o600)
	out, _, code := argoguard(t, "", "rbac", "diff", oldF, newF)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	// Role membership changes are listed; the permissions role:team
	// re-grants are not (only the sync is new).
	want := "+ devs gains role role:team  (" + newF + ":1)\n" +
		"- devs loses role role:dev  (" + oldF + ":2)\n" +
		"+ devs gains sync applications dev/*  (" + newF + ":4)\n"
	if out != want {
		t.Fatalf("diff:\n%s\nwant:\n%s", out, want)
	}
	out, _, _ = argoguard(t, "", "rbac", "diff", "-o", "json", newF, oldF)
	if !strings.Contains(out, `"gained": false`) || !strings.Contains(out, `"subject": "devs"`) {
		t.Fatalf("json diff: %s", out)
	}
}

// TestRBACDiffEmptySubject: a g line for the empty subject (a token without
// a subject, an empty group claim) is a real grant and must be readable.
func TestRBACDiffEmptySubject(t *testing.T) {
	dir := t.TempDir()
	oldF, newF := filepath.Join(dir, "old.csv"), filepath.Join(dir, "new.csv")
	os.WriteFile(oldF, []byte("p, x, applications, get, */*, allow\n"), 0o600)
	os.WriteFile(newF, []byte("p, x, applications, get, */*, allow\ng, \"\", role:readonly\n"), 0o600)
	out, _, code := argoguard(t, "", "rbac", "diff", oldF, newF)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(out, `+ "" (the empty subject) gains role role:readonly  (`+newF+":2)\n") {
		t.Fatalf("diff does not name the empty subject:\n%s", out)
	}
	if !strings.Contains(out, `... "" (the empty subject): `) {
		t.Fatalf("the elision line does not name the empty subject:\n%s", out)
	}
}

// TestRBACValidateGolden pins the JSON a reviewer's tooling reads for the
// guide's as-written configuration (go test -update rewrites it).
func TestRBACValidateGolden(t *testing.T) {
	out, _, code := argoguard(t, "", "rbac", "validate", "-o", "json",
		"--policy-file", guide+"/as-written/argocd-rbac-cm.yaml", "--settings", guide+"/argoguard-settings.yaml")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	golden := "testdata/rbac/guide-as-written.validate.json"
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, out)
	}
}

// --policy-file finds argocd-rbac-cm in any document of a multi-document
// file and in a List, for every rbac command; a file without it is an
// exit-2 error that says what the file holds, never "Policy is valid".
func TestRBACPolicyFileManifests(t *testing.T) {
	const dir = "testdata/rbac/"
	for _, file := range []string{"multi-doc.yaml", "list.yaml"} {
		t.Run(file, func(t *testing.T) {
			path := dir + file
			if out, errOut, code := argoguard(t, "", "rbac", "can", "devs", "sync", "applications", "team-a/web", "--policy-file", path); out != "Yes\n" || code != 0 {
				t.Errorf("can: %q %q exit %d, want Yes (the policy's g line)", out, errOut, code)
			}
			out, errOut, code := argoguard(t, "", "rbac", "validate", "--policy-file", path)
			if code != 1 || !strings.Contains(out, `DENY RBAC-002`) || !strings.Contains(out, path+`: data["policy.default"]`) {
				t.Errorf("validate: exit %d, stdout %q stderr %q; want RBAC-002 for policy.default: role:admin", code, out, errOut)
			}
			if out, errOut, code := argoguard(t, "", "rbac", "who-can", "sync", "applications", "team-a/web", "--policy-file", path); code != 0 || !strings.Contains(out, "devs") {
				t.Errorf("who-can: %q %q exit %d, want devs listed", out, errOut, code)
			}
			if out, errOut, code := argoguard(t, "", "rbac", "diff", csvPolicy, path); code != 0 || !strings.Contains(out, "devs") {
				t.Errorf("diff: %q %q exit %d, want devs' gains", out, errOut, code)
			}
		})
	}
	for _, tc := range []struct{ file, stderr string }{
		{"argocd-cm-only.yaml", "holds no ConfigMap argocd-rbac-cm; found only ConfigMap argocd/argocd-cm (line 2)\n  argocd-cm holds RBAC keys, which Argo CD ignores there: move them to argocd-rbac-cm"},
		{"no-configmap.yaml", "holds no ConfigMap argocd-rbac-cm (and no other ConfigMap)"},
	} {
		path := dir + tc.file
		for _, args := range [][]string{
			{"validate", "--policy-file", path},
			{"can", "devs", "get", "applications", "x/y", "--policy-file", path},
			{"who-can", "get", "applications", "x/y", "--policy-file", path},
			{"diff", csvPolicy, path},
		} {
			t.Run(tc.file+"/"+args[0], func(t *testing.T) {
				out, errOut, code := argoguard(t, "", append([]string{"rbac"}, args...)...)
				if code != 2 || out != "" || !strings.Contains(errOut, "error: "+path+" "+tc.stderr) {
					t.Fatalf("stdout %q stderr %q exit %d; want exit 2 and %q", out, errOut, code, tc.stderr)
				}
			})
		}
	}
}

// A --batch line's fifth field holds its group claims (; separated); lines
// without it take --groups, or are answered for the subject alone.
func TestRBACCanBatchGroups(t *testing.T) {
	const lines = "alice, sync, app, x/y, lonely\n" + // a group without a g line counts for nothing
		"alice, sync, app, x/y, lonely;bound\n" +
		"alice, sync, app, x/y\n" +
		"lonely, sync, app, x/y\n" +
		"alice, sync, app, x/y,\n" + // a user without groups
		"alice, sync, app, x/y, \" bound ; \"\n" +
		"alice, sync, app, x/y, bound, extra\n"
	const tooMany = "error: - line 7: want subject,action,resource[,object[,groups]]\n"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"without --groups", nil, "No\nYes\nNo\nYes\nNo\nYes\n" + tooMany},
		{"--groups applies to lines without their own", []string{"--groups", "bound"}, "No\nYes\nYes\nYes\nNo\nYes\n" + tooMany},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"rbac", "can", "--batch", "-", "--policy-file", "testdata/rbac/claims.csv"}, tc.args...)
			out, errOut, code := argoguard(t, lines, args...)
			if out != tc.want || code != 0 {
				t.Fatalf("stdout:\n%s\nstderr %q exit %d; want:\n%s", out, errOut, code, tc.want)
			}
		})
	}
}

// With AppProjects, a batch line's groups are the claims argocd-server
// binds to project roles.
func TestRBACCanBatchGroupsWithProjects(t *testing.T) {
	lines := "alice, sync, applications, team-a/web, " + devID + "\n" +
		"alice, sync, applications, team-a/web\n" +
		"alice, sync, applications, team-b/web, " + devID + "\n" +
		"alice, get, applications, team-a/web, someone-else;" + auditorID + "\n"
	out, errOut, code := argoguard(t, lines, "rbac", "can", "--batch", "-", "--policy-file", unrelated,
		"--projects", filepath.Join(guide, "sso-rbac", "fixed"))
	if want := "Yes\nNo\nNo\nYes\n"; out != want || code != 0 {
		t.Fatalf("stdout:\n%s\nstderr %q exit %d; want:\n%s", out, errOut, code, want)
	}
}
