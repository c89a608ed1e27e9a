package report_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
)

// TestPolicyReportOfAHugeBadPolicyIsBounded: a 588 KB policy with one bad
// line per row gives a report the API server accepts (under 1 MiB as JSON)
// whose summary still counts every finding and whose results say how many
// are not listed.
func TestPolicyReportOfAHugeBadPolicyIsBounded(t *testing.T) {
	snap := guideSnapshot(t, "fixed")
	var csv strings.Builder
	rows := 0
	for csv.Len() < 588000 {
		fmt.Fprintf(&csv, "p, role:team-%05d, applications, get, /*, allow\n", rows) // RBAC-007
		rows++
	}
	rbac := *snap.RBACCM
	rbac.Data = map[string]string{}
	for k, v := range snap.RBACCM.Data {
		rbac.Data[k] = v
	}
	rbac.Data["policy.csv"] = csv.String()
	rbac.Source = nil
	snap.RBACCM = &rbac
	findings, err := rules.MustNewRegistry().Evaluate(snap)
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(report.Input{Snapshot: snap, Findings: findings, Rules: rules.MustNewRegistry().Rules(), Now: fixedClock, NoMatrix: true})
	for _, format := range []string{report.FormatPolicyReport, report.FormatOpenReports} {
		for _, pr := range report.PolicyReports(r, format) {
			raw, err := json.Marshal(pr)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) >= report.MaxReportBytes {
				t.Errorf("%s %s: %d bytes, want under 1 MiB", format, pr.Metadata.Name, len(raw))
			}
			if pr.Scope.Name != "argocd-rbac-cm" {
				continue
			}
			listed, omitted := 0, 0
			for _, res := range pr.Results {
				if res.Rule != "RBAC-007" || res.Result != report.ResultFail {
					continue
				}
				if n, ok := res.Properties[report.PropertyOmitted]; ok {
					omitted, _ = strconv.Atoi(n)
					if !strings.Contains(res.Message, fmt.Sprintf("and %s more", n)) {
						t.Errorf("the rest is not counted in words: %q", res.Message)
					}
					continue
				}
				listed++
			}
			if omitted == 0 || listed+omitted != rows {
				t.Errorf("%s: %d listed + %d omitted, want %d rows", format, listed, omitted, rows)
			}
			if pr.Summary.Fail < rows {
				t.Errorf("%s: summary counts %d fail, want every one of %d rows", format, pr.Summary.Fail, rows)
			}
		}
	}
}

// TestPolicyReportOfManyProjectsIsBounded: the one report of a namespace's
// AppProjects stays under 1 MiB however many projects there are, the
// findings listed before the passes, and every result is either listed or
// counted.
func TestPolicyReportOfManyProjectsIsBounded(t *testing.T) {
	snap := guideSnapshot(t, "as-written")
	if len(snap.Projects) == 0 {
		t.Fatal("the guide has no AppProject to copy")
	}
	projects := 4000
	snap.Projects = nil
	for i := range projects {
		p, err := policy.AppProjectObject(map[string]any{
			"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
			"metadata": map[string]any{"name": fmt.Sprintf("team-%04d", i), "namespace": "argocd"},
			"spec": map[string]any{"roles": []any{map[string]any{
				"name": "dev", "groups": []any{"Team Developers"},
				"policies": []any{fmt.Sprintf("p, proj:team-%04d:dev, applications, get, team-%04d/*, allow", i, i)},
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		snap.Projects = append(snap.Projects, p)
	}
	findings, err := rules.MustNewRegistry().Evaluate(snap)
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(report.Input{Snapshot: snap, Findings: findings, Rules: rules.MustNewRegistry().Rules(), Now: fixedClock, NoMatrix: true})
	var pr report.PolicyReport
	for _, p := range report.PolicyReports(r, report.FormatPolicyReport) {
		if p.Metadata.Name == "argoguard-appprojects" {
			pr = p
		}
	}
	raw, err := json.Marshal(pr)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) >= report.MaxReportBytes {
		t.Errorf("argoguard-appprojects of %d projects: %d bytes, want under 1 MiB", projects, len(raw))
	}
	total := pr.Summary.Pass + pr.Summary.Fail + pr.Summary.Warn + pr.Summary.Skip
	counted, omitted, passListed := 0, 0, 0
	for _, res := range pr.Results {
		if n, ok := res.Properties[report.PropertyOmitted]; ok {
			k, _ := strconv.Atoi(n)
			counted += k
			omitted++
			continue
		}
		counted++
		if res.Result == report.ResultPass {
			passListed++
		}
	}
	if omitted == 0 || counted != total {
		t.Errorf("%d results listed or counted, %d in the summary (%d \"and N more\")", counted, total, omitted)
	}
	if pr.Summary.Fail+pr.Summary.Warn == 0 {
		t.Fatal("no finding on the projects: the test checks nothing")
	}
	// Findings omitted: the passes listed only fill the room left over.
	findingsListed := len(pr.Results) - omitted - passListed
	if findingsListed < pr.Summary.Fail+pr.Summary.Warn && passListed*100 > findingsListed {
		t.Errorf("%d passes listed while findings are not (%d listed of %d)",
			passListed, findingsListed, pr.Summary.Fail+pr.Summary.Warn)
	}
}
