package report_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
)

// Fixtures: a minimal snapshot (one argocd-rbac-cm, two rules) plus a tweak.
var (
	rbacRef     = policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	workflowRef = policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: "workflow-controller-configmap"}
	secretRef   = policy.ObjectRef{Kind: "Secret", Namespace: "argo", Name: "sso"}
	testRules   = []policy.Rule{
		{ID: "RBAC-007", Title: "never matches", Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny, Doc: "doc 7"},
		{ID: "RBAC-014", Title: "redundant", Severity: policy.SeverityLow, Category: "rbac", Action: policy.ActionAudit, Doc: "doc 14"},
		{ID: "WF-005", Title: "secret namespace", Severity: policy.SeverityHigh, Category: "workflows", Action: policy.ActionDeny},
		{ID: "WF-010", Title: "needs secret", Severity: policy.SeverityMedium, Category: "workflows", Action: policy.ActionWarn, ClusterOnly: true},
	}
)

func minimalInput() report.Input {
	return report.Input{
		Snapshot: &policy.Snapshot{
			Settings: settings.Default(),
			RBACCM: &policy.Object{Ref: rbacRef, Data: map[string]string{
				"policy.csv": "p, role:dev, applications, sync, team-a/*, allow\ng, devs, role:dev\n",
			}},
			WorkflowsCM: &policy.Object{Ref: workflowRef, Data: map[string]string{"sso": "issuer: x\n"}},
		},
		Rules: testRules,
	}
}

func finding(rule string, a policy.Action, loc policy.Location) policy.Finding {
	sev := policy.SeverityHigh
	if rule == "RBAC-014" {
		sev = policy.SeverityLow
	}
	return policy.Finding{RuleID: rule, Severity: sev, Action: a, Location: loc, Message: rule + " message", Fix: "fix it"}
}

func TestBuildResults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tweak func(*report.Input)
		// want is "object rule=result" for every result of every object.
		want  []string
		check func(*testing.T, *report.Report)
	}{
		{
			name: "clean: every rule passes, cluster-only rules skip",
			want: []string{"argocd-rbac-cm RBAC-007=pass", "argocd-rbac-cm RBAC-014=pass",
				"workflow-controller-configmap WF-005=pass", "workflow-controller-configmap WF-010=skip"},
		},
		{
			name: "deny fails, audit warns",
			tweak: func(in *report.Input) {
				in.Findings = []policy.Finding{
					finding("RBAC-014", policy.ActionAudit, policy.Location{Object: rbacRef, Key: "policy.csv", Line: 2}),
					finding("RBAC-007", policy.ActionDeny, policy.Location{Object: rbacRef, Key: "policy.csv", Line: 1}),
				}
			},
			want: []string{"argocd-rbac-cm RBAC-007=fail", "argocd-rbac-cm RBAC-014=warn",
				"workflow-controller-configmap WF-005=pass", "workflow-controller-configmap WF-010=skip"},
			check: func(t *testing.T, r *report.Report) {
				if r.Findings[0].RuleID != "RBAC-007" {
					t.Errorf("findings not most severe first: %v", r.Findings[0].RuleID)
				}
				if r.Summary.Fail != 1 || r.Summary.Warn != 1 || r.Summary.ByAction["audit"] != 1 || r.Summary.BySeverity["high"] != 1 {
					t.Errorf("summary %+v", r.Summary)
				}
			},
		},
		{
			name: "a finding located on a Secret is reported on its family's ConfigMap",
			tweak: func(in *report.Input) {
				in.Findings = []policy.Finding{finding("WF-005", policy.ActionDeny, policy.Location{Object: secretRef, Key: "client-id"})}
			},
			want: []string{"argocd-rbac-cm RBAC-007=pass", "argocd-rbac-cm RBAC-014=pass",
				"workflow-controller-configmap WF-005=fail", "workflow-controller-configmap WF-010=skip"},
			check: func(t *testing.T, r *report.Report) {
				prs := report.PolicyReports(r, report.FormatPolicyReport)
				res := prs[1].Results[0]
				if res.Properties["object"] != secretRef.String() || res.Properties["key"] != "client-id" {
					t.Errorf("the result should name the Secret and key it is about: %+v", res.Properties)
				}
			},
		},
		{
			name: "secrets known: the cluster-only rule runs and passes",
			tweak: func(in *report.Input) {
				in.Snapshot.SecretsKnown = true
			},
			want: []string{"argocd-rbac-cm RBAC-007=pass", "argocd-rbac-cm RBAC-014=pass",
				"workflow-controller-configmap WF-005=pass", "workflow-controller-configmap WF-010=pass"},
		},
		{
			name: "file lines come from the object's source",
			tweak: func(in *report.Input) {
				in.Snapshot.RBACCM.Source = &policy.Source{File: "gitops/rbac.yaml", KeyLines: map[string]int{"policy.csv": 10}}
				in.Findings = []policy.Finding{finding("RBAC-007", policy.ActionDeny, policy.Location{Object: rbacRef, Key: "policy.csv", Line: 2})}
			},
			want: []string{"argocd-rbac-cm RBAC-007=fail", "argocd-rbac-cm RBAC-014=pass",
				"workflow-controller-configmap WF-005=pass", "workflow-controller-configmap WF-010=skip"},
			check: func(t *testing.T, r *report.Report) {
				l := r.Findings[0].Location
				if l.File != "gitops/rbac.yaml" || l.FileLine != 11 || r.Findings[0].Where != `gitops/rbac.yaml:11 data["policy.csv"] line 2` {
					t.Errorf("location %+v, where %q", l, r.Findings[0].Where)
				}
				if c := r.Matrix.Subjects; len(c) == 0 {
					t.Error("no matrix subjects")
				}
			},
		},
		{
			name: "a policy Argo CD refuses gives no matrix, and says why",
			tweak: func(in *report.Input) {
				in.Snapshot.RBACCM.Data["policy.csv"] = "p, role:dev, applications\n"
			},
			want: []string{"argocd-rbac-cm RBAC-007=pass", "argocd-rbac-cm RBAC-014=pass",
				"workflow-controller-configmap WF-005=pass", "workflow-controller-configmap WF-010=skip"},
			check: func(t *testing.T, r *report.Report) {
				if r.Matrix != nil || !strings.Contains(r.MatrixError, `data["policy.csv"] line 1`) {
					t.Errorf("matrix %v, error %q", r.Matrix != nil, r.MatrixError)
				}
				var b bytes.Buffer
				if err := report.WriteHTML(&b, r); err != nil || !strings.Contains(b.String(), "No matrix") {
					t.Errorf("HTML should say there is no matrix: %v", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := minimalInput()
			if tc.tweak != nil {
				tc.tweak(&in)
			}
			r := report.Build(in)
			var got []string
			for _, o := range r.Objects {
				for _, res := range o.Results {
					got = append(got, o.Object.Name+" "+res.Rule+"="+res.Result)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			checkPolicyReports(t, r)
			checkJUnit(t, r)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// checkPolicyReports: one report per ConfigMap, scoped to it, summary equal
// to its results, every result from argoguard with a known result value.
func checkPolicyReports(t *testing.T, r *report.Report) {
	t.Helper()
	for _, format := range []string{report.FormatPolicyReport, report.FormatOpenReports} {
		prs := report.PolicyReports(r, format)
		if len(prs) != 2 {
			t.Fatalf("%s: %d reports for 2 ConfigMaps", format, len(prs))
		}
		for _, pr := range prs {
			if pr.Scope.Name == "" || pr.Metadata.Namespace != pr.Scope.Namespace || pr.Metadata.Name != "argoguard-"+pr.Scope.Name {
				t.Errorf("%s: report %s/%s scoped to %+v", format, pr.Metadata.Namespace, pr.Metadata.Name, pr.Scope)
			}
			var sum report.ReportSummary
			for _, res := range pr.Results {
				if res.Source != "argoguard" || res.Policy == "" || res.Rule == "" {
					t.Errorf("%s: result %+v", format, res)
				}
				switch res.Result {
				case "pass":
					sum.Pass++
				case "fail":
					sum.Fail++
				case "warn":
					sum.Warn++
				case "skip":
					sum.Skip++
				default:
					t.Errorf("result %q", res.Result)
				}
			}
			if sum != pr.Summary {
				t.Errorf("%s %s: summary %+v, results count %+v", format, pr.Metadata.Name, pr.Summary, sum)
			}
			wantAPI := map[string]string{report.FormatPolicyReport: "wgpolicyk8s.io/v1alpha2", report.FormatOpenReports: "openreports.io/v1alpha1"}[format]
			if pr.APIVersion != wantAPI {
				t.Errorf("apiVersion %s, want %s", pr.APIVersion, wantAPI)
			}
		}
	}
}

// checkJUnit: one test case per rule and object; failures are the
// deny/warn results.
func checkJUnit(t *testing.T, r *report.Report) {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	results, failing := 0, 0
	for _, o := range r.Objects {
		for _, res := range o.Results {
			results++
			for _, i := range res.Findings {
				if r.Findings[i].Action != policy.ActionAudit {
					failing++
					break
				}
			}
		}
	}
	if suites.Tests != results || suites.Failures != failing {
		t.Errorf("junit: %d tests, %d failures; want %d, %d", suites.Tests, suites.Failures, results, failing)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	in := minimalInput()
	in.Findings = []policy.Finding{finding("RBAC-007", policy.ActionDeny, policy.Location{Object: rbacRef, Key: "policy.csv", Line: 1})}
	in.Findings[0].Message = "object `a|b` <script> *bold*"
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, report.Build(in)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") || !strings.Contains(b.String(), `\*bold\*`) || !strings.Contains(b.String(), `a\|b`) {
		t.Errorf("markdown does not escape the message:\n%s", b.String())
	}
	var h bytes.Buffer
	if err := report.WriteHTML(&h, report.Build(in)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "<script>") {
		t.Error("HTML does not escape the message")
	}
}

// A policy with many groups and projects: the Markdown stays under GitHub's
// comment limit by leaving the matrix to the HTML report.
func TestMarkdownFitsAComment(t *testing.T) {
	in := minimalInput()
	var csv strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&csv, "p, role:team-%d, applications, sync, team-%d/*, allow\ng, group-%d, role:team-%d\n", i, i, i, i)
	}
	in.Snapshot.RBACCM.Data["policy.csv"] = csv.String()
	r := report.Build(in)
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 65536 || !strings.Contains(b.String(), "does not fit in a comment") {
		t.Errorf("markdown is %d bytes; want the matrix left out under 65536", b.Len())
	}
	var h bytes.Buffer
	if err := report.WriteHTML(&h, r); err != nil || !strings.Contains(h.String(), `data-subject="group-39"`) {
		t.Errorf("the HTML report must still hold the whole matrix: %v", err)
	}
}

func TestLocalUsersInMatrix(t *testing.T) {
	in := minimalInput()
	in.Snapshot.ArgoCDCM = &policy.Object{
		Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"},
		Data: map[string]string{
			"admin.enabled": "false", "accounts.alice": "login", "accounts.ci": "apiKey",
			"accounts.bob": "login", "accounts.bob.enabled": "false",
		},
	}
	r := report.Build(in)
	notes := map[string]string{}
	for _, s := range r.Matrix.Subjects {
		if s.Kind == report.SubjectUser {
			notes[s.Name] = s.Note
		}
	}
	for user, want := range map[string]string{
		"admin": "admin.enabled", "alice": "", "bob": "accounts.bob.enabled", "ci": "API keys only",
	} {
		note, ok := notes[user]
		if !ok {
			t.Errorf("local user %s is not a matrix subject (users: %v)", user, notes)
			continue
		}
		if (want == "") != (note == "") || !strings.Contains(note, want) {
			t.Errorf("%s: note %q, want one naming %q", user, note, want)
		}
	}
}

func TestBaselineChanges(t *testing.T) {
	for _, tc := range []struct {
		name     string
		baseline map[string]string
		want     []string // in the Markdown
		check    func(*testing.T, *report.RBACChanges)
	}{
		{
			name:     "a baseline Argo CD would refuse: no comparison, and why",
			baseline: map[string]string{"policy.csv": "p, role:dev\n"},
			want:     []string{"No comparison: baseline: data\\[\"policy.csv\"\\] line 1"},
		},
		{
			name:     "policy.default raised and a group bound: grants with the lines",
			baseline: map[string]string{"policy.csv": "p, role:dev, applications, sync, team-a/*, allow\n"},
			want:     []string{"**policy.default** changes from `(none)` to `role:admin`", "#### devs", "`allow sync applications team-a/*`", "team-a/*, allow` policy.csv:1 via policy.csv:2"},
			check: func(t *testing.T, c *report.RBACChanges) {
				if len(c.Grants) == 0 || len(c.Revokes) != 0 {
					t.Errorf("grants %d, revokes %d", len(c.Grants), len(c.Revokes))
				}
			},
		},
		{
			name:     "the same policy: no change",
			baseline: map[string]string{"policy.csv": "p, role:dev, applications, sync, team-a/*, allow\ng, devs, role:dev\n", "policy.default": "role:admin"},
			want:     []string{"No subject gains or loses a permission."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := minimalInput()
			in.Snapshot.RBACCM.Data["policy.default"] = "role:admin"
			in.Baseline = &policy.Object{Ref: rbacRef, Data: tc.baseline}
			r := report.Build(in)
			if r.RBACChanges == nil {
				t.Fatal("no RBAC changes section with a baseline")
			}
			var b bytes.Buffer
			if err := report.WriteMarkdown(&b, r); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("markdown lacks %q:\n%s", w, b.String())
				}
			}
			if tc.check != nil {
				tc.check(t, r.RBACChanges)
			}
		})
	}
}
