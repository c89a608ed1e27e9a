package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
)

// FuzzReport builds and renders reports from arbitrary policies and finding
// texts. Properties: nothing panics; JSON and SARIF parse; JUnit is
// well-formed XML; the HTML keeps its structure (one finding block, no
// injected element); every matrix cell agrees with the enforcer.
func FuzzReport(f *testing.F) {
	f.Add("p, role:readonly, applications, get, /*, allow\ng, \"argocd-admins\", role:admin\n", "role:readonly", "", "object \"/*\" never matches", 1)
	f.Add("p, role:dev, applications, (get|sync), .*, allow\ng, dev, role:dev\n", "", "regex", "<script>alert(1)</script>", 2)
	f.Add("p, a, b\n", "", "", "]]></failure><x>", 0)
	f.Add("g, x, role:x\ng, role:x, x\np, role:x, exec, create, */*, deny\n", "role:x", "glob", "`|*_[]`\n\x00\x1b", 7)
	f.Add("p, role:team-*, applications, sync, team-{a,b}/*, allow\n", "role:admin", "", "é ✓ \u2028", 3)
	f.Fuzz(fuzzBody)
}

func fuzzBody(t *testing.T, policyCSV, defaultRole, matchMode, message string, line int) {
	if len(policyCSV) > 512 || len(message) > 512 { // the matrix grows as subjects x patterns
		return
	}
	ref := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	obj := &policy.Object{Ref: ref, Data: map[string]string{
		"policy.csv": policyCSV, "policy.default": defaultRole, "policy.matchMode": matchMode,
	}, Source: &policy.Source{File: "gitops/argocd-rbac-cm.yaml", KeyLines: map[string]int{"policy.csv": 10}, Line: 1}}
	in := report.Input{
		Snapshot: &policy.Snapshot{Settings: settings.Default(), RBACCM: obj},
		Rules:    testRules,
		Findings: []policy.Finding{{
			RuleID: "RBAC-007", Severity: policy.SeverityHigh, Action: policy.ActionDeny,
			Location: policy.Location{Object: ref, Key: "policy.csv", Line: line},
			Message:  message, Detail: message, Fix: message,
		}},
		Baseline: obj,
	}
	r := report.Build(in)

	var buf bytes.Buffer
	for name, write := range map[string]func() error{
		"json":  func() error { return report.WriteJSON(&buf, r) },
		"sarif": func() error { return report.WriteSARIF(&buf, r) },
	} {
		buf.Reset()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var v any
		if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatalf("%s is not JSON: %v", name, err)
		}
	}
	buf.Reset()
	if err := report.WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("JUnit is not well-formed XML: %v", err)
			}
			break
		}
	}
	buf.Reset()
	if err := report.WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := report.WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(findAll(doc, func(n *html.Node) bool { return hasClass(n, "finding") })); n != 1 {
		t.Fatalf("HTML has %d finding blocks for one finding: the message broke the structure", n)
	}
	if len(findAll(doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "x" })) > 0 {
		t.Fatal("the message injected an element into the HTML")
	}
	for _, pr := range report.PolicyReports(r, report.FormatPolicyReport) {
		if len(pr.Results) == 0 {
			t.Fatal("a PolicyReport without results")
		}
	}

	if r.Matrix == nil {
		if r.MatrixError == "" {
			t.Fatal("no matrix and no reason")
		}
		return
	}
	p := rbac.Parse(obj.Data)
	e, err := rbac.NewEnforcer(p)
	if err != nil {
		t.Fatalf("matrix built from a policy the enforcer refuses: %v", err)
	}
	for _, sec := range r.Matrix.Sections {
		for _, row := range sec.Rows {
			for i, c := range row.Cells {
				s := r.Matrix.Subjects[i]
				if got := e.Enforce(s.Name, row.Resource, row.Action, row.Object); got != c.Allowed {
					t.Fatalf("cell %s %s %s %s says %v, the enforcer %v", s.Name, row.Action, row.Resource, row.Object, c.Allowed, got)
				}
				if c.Allowed && c.Line == nil {
					t.Fatalf("cell %s %s %s %s allowed without a line", s.Name, row.Action, row.Resource, row.Object)
				}
				if c.Line != nil && !c.Line.Builtin && !strings.Contains(policyCSV, strings.TrimSpace(c.Line.Text)) {
					t.Fatalf("cell cites %q, which is not in the policy", c.Line.Text)
				}
			}
		}
	}
}
