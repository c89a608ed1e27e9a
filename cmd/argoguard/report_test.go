package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/report"
)

const (
	guideDir      = "../../test/testdata/guide"
	guideSettings = guideDir + "/argoguard-settings.yaml"
)

// reportJSON runs `argoguard report ... --output json` and decodes it.
func reportJSON(t *testing.T, args ...string) *report.Report {
	t.Helper()
	out, stderr, code := argoguard(t, "", append([]string{"report", "--output", "json", "--now", "none"}, args...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", args, code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
	return &r
}

// TestMatrixEqualsRBACCan checks every cell of the report's permission
// matrix against `argoguard rbac can` run on the same policy file: one
// --batch query per cell, answers compared in order.
func TestMatrixEqualsRBACCan(t *testing.T) {
	for _, tc := range []struct {
		name, input, policyFile string
		settings                string
		// projects are AppProjects given to both commands.
		projects string
	}{
		{"guide as written", guideDir + "/as-written", guideDir + "/as-written/argocd-rbac-cm.yaml", guideSettings, ""},
		{"guide fixed", guideDir + "/fixed", guideDir + "/fixed/argocd-rbac-cm.yaml", guideSettings, ""},
		{"guide fixed with its AppProject", guideDir + "/fixed", guideDir + "/fixed/argocd-rbac-cm.yaml", guideSettings, guideDir + "/sso-rbac/fixed"},
		{"guide as written with its AppProject", guideDir + "/as-written", guideDir + "/as-written/argocd-rbac-cm.yaml", guideSettings, guideDir + "/sso-rbac/as-written"},
		{"roles, chains and denies", "testdata/report/argocd-rbac-cm.yaml", "testdata/report/argocd-rbac-cm.yaml", guideSettings, ""},
		{"regex mode", "testdata/report/regex-cm.yaml", "testdata/report/regex-cm.yaml", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{tc.input}
			canArgs := []string{"rbac", "can", "--batch", "-", "--strict=false", "--policy-file", tc.policyFile}
			if tc.projects != "" {
				args = append(args, tc.projects)
				canArgs = append(canArgs, "--projects", tc.projects)
			}
			if tc.settings != "" {
				args = append(args, "--settings", tc.settings)
			}
			r := reportJSON(t, args...)
			if r.Matrix == nil {
				t.Fatalf("no matrix: %s", r.MatrixError)
			}
			var queries bytes.Buffer
			w := csv.NewWriter(&queries)
			var want []bool
			var labels []string
			allowed, denied := 0, 0
			for _, sec := range r.Matrix.Sections {
				for _, row := range sec.Rows {
					if len(row.Cells) != len(r.Matrix.Subjects) {
						t.Fatalf("row %s %s %s has %d cells for %d subjects", row.Action, row.Resource, row.Object, len(row.Cells), len(r.Matrix.Subjects))
					}
					for i, c := range row.Cells {
						s := r.Matrix.Subjects[i]
						if err := w.Write([]string{s.Name, row.Action, row.Resource, row.Object}); err != nil {
							t.Fatal(err)
						}
						want = append(want, c.Allowed)
						labels = append(labels, s.Name+" "+row.Action+" "+row.Resource+" "+row.Object)
						if c.Allowed {
							allowed++
							if c.Line == nil {
								t.Errorf("%s: allowed without a granting line", labels[len(labels)-1])
							}
						} else {
							denied++
						}
					}
				}
			}
			w.Flush()
			out, stderr, code := argoguard(t, queries.String(), canArgs...)
			if code != 0 {
				t.Fatalf("rbac can --batch: exit %d: %s", code, stderr)
			}
			answers := strings.Split(strings.TrimSpace(out), "\n")
			if len(answers) != len(want) {
				t.Fatalf("rbac can answered %d queries, the matrix has %d cells:\n%s", len(answers), len(want), out)
			}
			for i, a := range answers {
				if (a == "Yes") != want[i] || (a != "Yes" && a != "No") {
					t.Errorf("%s: rbac can says %q, the matrix says allowed=%v", labels[i], a, want[i])
				}
			}
			if allowed == 0 || denied == 0 {
				t.Errorf("a matrix with %d allowed and %d denied cells tests nothing", allowed, denied)
			}
			t.Logf("%d cells (%d allowed, %d denied) agree with rbac can", len(want), allowed, denied)
		})
	}
}

// TestMatrixExplainsCells spot-checks the lines the matrix cites on a
// policy with roles, chains and denies.
func TestMatrixExplainsCells(t *testing.T) {
	r := reportJSON(t, "testdata/report/argocd-rbac-cm.yaml", "--settings", guideSettings)
	cell := func(subject, action, resource, object string) report.Cell {
		t.Helper()
		col := -1
		for i, s := range r.Matrix.Subjects {
			if s.Name == subject {
				col = i
			}
		}
		for _, sec := range r.Matrix.Sections {
			for _, row := range sec.Rows {
				if row.Action == action && row.Resource == resource && row.Object == object && col >= 0 {
					return row.Cells[col]
				}
			}
		}
		t.Fatalf("no cell %s %s %s %s", subject, action, resource, object)
		return report.Cell{}
	}
	ops := "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01"
	// Granted through two g lines: the group -> role:ops -> role:developer.
	c := cell(ops, "sync", "applications", "team-*/*")
	if !c.Allowed || c.Line == nil || c.Line.Key != "policy.csv" || c.Line.Line != 1 || len(c.Via) != 2 {
		t.Errorf("ops sync team-*/*: want allow by policy.csv line 1 via two g lines, got %+v", c)
	}
	if c.Line.FileLine != 11 {
		t.Errorf("policy.csv line 1 is file line 11 of the manifest, got %d", c.Line.FileLine)
	}
	// Denied by an explicit deny line, which the cell cites.
	c = cell(ops, "create", "exec", "*/*")
	if !c.Allowed {
		t.Errorf("ops create exec */*: allowed by policy.csv line 6, got %+v", c)
	}
	c = cell("role:auditor", "get", "applications", "*/*")
	if !c.Allowed || !c.FromDefault {
		t.Errorf("auditor get applications */*: allowed through policy.default (the deny is on prod/*), got %+v", c)
	}
	c = cell("role:developer", "delete", "applications", "team-a/*")
	if c.Allowed || c.Line == nil || c.Line.Line != 3 {
		t.Errorf("developer delete team-a/*: denied by policy.csv line 3, got %+v", c)
	}
	// Subjects carry display names from the settings' group list.
	for _, s := range r.Matrix.Subjects {
		if s.Name == ops && !strings.Contains(s.Display, "argocd-admins") {
			t.Errorf("group %s shown as %q, want its display name", ops, s.Display)
		}
	}
}

func TestReportFormatsFromCLI(t *testing.T) {
	dir := t.TempDir()
	for _, format := range []string{"html", "md", "json", "sarif", "junit"} {
		file := filepath.Join(dir, "report."+format)
		_, stderr, code := argoguard(t, "", "report", guideDir+"/as-written", "--settings", guideSettings,
			"--baseline", guideDir+"/fixed", "-o", format, "--output-file", file)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		switch format {
		case "json", "sarif":
			var v map[string]any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Errorf("%s is not JSON: %v", format, err)
			}
		case "junit":
			var v struct {
				Failures int `xml:"failures,attr"`
			}
			if err := xml.Unmarshal(raw, &v); err != nil || v.Failures == 0 {
				t.Errorf("junit: %v, failures=%d (the guide has deny findings)", err, v.Failures)
			}
		case "html":
			if !bytes.Contains(raw, []byte("What this change grants and revokes")) || !bytes.Contains(raw, []byte("RBAC-007")) {
				t.Error("html lacks the findings or the baseline section")
			}
		case "md":
			if !bytes.Contains(raw, []byte("## What this change grants and revokes")) {
				t.Error("markdown lacks the baseline section")
			}
		}
		if !strings.Contains(stderr, "finding(s)") {
			t.Errorf("%s: no summary on stderr: %q", format, stderr)
		}
		if strings.Contains(stderr, "deprecated") {
			t.Errorf("%s: --output-file is not deprecated: %q", format, stderr)
		}
	}
}

// The old spelling `report --output FORMAT -o FILE` still writes the file,
// for one release, and says on stderr what to write instead.
func TestReportDeprecatedOutputFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.md")
	out, stderr, code := argoguard(t, "", "report", guideDir+"/as-written", "--settings", guideSettings, "--output", "md", "-o", file)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, stderr)
	}
	raw, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(raw, []byte("RBAC-007")) {
		t.Fatalf("%s: %v, holds the findings: %v", file, err, bytes.Contains(raw, []byte("RBAC-007")))
	}
	if !strings.Contains(stderr, "deprecated") || !strings.Contains(stderr, "--output-file "+file) {
		t.Errorf("no deprecation naming --output-file on stderr: %q", stderr)
	}
	_, stderr, code = argoguard(t, "", "report", guideDir+"/as-written", "-o", file, "--output-file", file)
	if code != 2 || !strings.Contains(stderr, "give the file once") {
		t.Errorf("-o FILE with --output-file: exit %d, stderr %q", code, stderr)
	}
}

func TestReportStdinAndErrors(t *testing.T) {
	raw, err := os.ReadFile(guideDir + "/as-written/argocd-rbac-cm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := argoguard(t, string(raw), "report", "-", "--output", "md", "--now", "none")
	if code != 0 || !strings.Contains(out, "RBAC-007") || !strings.Contains(out, "<stdin>:12") {
		t.Errorf("report from stdin: exit %d, stderr %s, output lacks RBAC-007 at <stdin>:12", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", guideDir + "/as-written", "--output", "pdf"}, `--output "pdf"`},
		{[]string{"report"}, "give PATHs or --kubeconfig"},
		{[]string{"report", "testdata/rbac/policy.csv"}, "none of the guarded ConfigMaps"},
		{[]string{"report", guideDir + "/as-written", "--baseline", guideDir + "/aws-groups.json"}, "--baseline"},
		{[]string{"report", guideDir + "/as-written", "--now", "yesterday"}, "--now"},
		{[]string{"report", "does-not-exist"}, "does-not-exist"},
		{[]string{"report", "--kubeconfig", "does-not-exist.kubeconfig"}, "kubeconfig"},
		{[]string{"report", guideDir + "/as-written", "--kubeconfig", "x"}, "one of them"},
		{[]string{"report", guideDir + "/as-written", "--settings", guideDir + "/aws-groups.json"}, "settings"},
	} {
		_, stderr, code := argoguard(t, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %q", tc.args, code, stderr, tc.want)
		}
	}
}

// File paths in the report are relative to the repository, wherever the
// command runs from and however the path was given.
func TestReportPathsRelativeToRepo(t *testing.T) {
	abs, err := filepath.Abs(guideDir + "/as-written")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{abs},
		{guideDir + "/as-written"},
		{abs, "--repo-root", filepath.Join(abs, "..")},
	} {
		r := reportJSON(t, append(args, "--settings", guideSettings)...)
		want := "test/testdata/guide/as-written/argocd-rbac-cm.yaml"
		if len(args) == 3 {
			want = "as-written/argocd-rbac-cm.yaml"
		}
		found := false
		for _, f := range r.Findings {
			if f.RuleID == "RBAC-007" {
				found = true
				if f.Location.File != want {
					t.Errorf("%v: RBAC-007 in %q, want %q", args, f.Location.File, want)
				}
			}
		}
		if !found {
			t.Errorf("%v: no RBAC-007 finding", args)
		}
	}
}

// The report on the guide with its AppProject and Workflows accounts has
// the per-group table: what each group gets in Argo CD and Workflows.
func TestReportGroupTable(t *testing.T) {
	out, stderr, code := argoguard(t, "", "report", "--output", "markdown", "--now", "none", "--settings", guideSettings,
		guideDir+"/fixed", guideDir+"/sso-rbac/fixed")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"## Access per identity-provider group",
		"| security-auditors `c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28` | (none) | (none) | proj:team-a:auditor: allow get projects team-a; allow get applications team-a/\\* | argo/argo-readonly |",
		"| (no groups claim) | (none) | (none) | (none) | argo/argo-readonly |",
		"| AppProject argocd/team-a | `test/testdata/guide/sso-rbac/fixed/appproject-team-a.yaml` |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
