package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/report"
)

// TestSARIFRequiredFields checks the output against what the SARIF 2.1.0
// schema requires (sarifLog, run, tool, toolComponent, reportingDescriptor,
// result, message, physicalLocation, region) and what code scanning needs:
// every ruleIndex points at its rule, every file exists, every line is the
// line the finding is about.
func TestSARIFRequiredFields(t *testing.T) {
	for _, variant := range []string{"as-written", "fixed"} {
		t.Run(variant, func(t *testing.T) {
			r := guideReport(t, variant, nil, fixedClock)
			var buf bytes.Buffer
			if err := report.WriteSARIF(&buf, r); err != nil {
				t.Fatal(err)
			}
			var log map[string]any
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			checkSARIF(t, log, len(r.Findings))
		})
	}
}

func checkSARIF(t *testing.T, log map[string]any, wantResults int) {
	t.Helper()
	if log["version"] != "2.1.0" {
		t.Fatalf("version = %v, want 2.1.0", log["version"])
	}
	if s, _ := log["$schema"].(string); !strings.Contains(s, "sarif-2.1.0") {
		t.Errorf("$schema = %q", s)
	}
	runs, ok := log["runs"].([]any)
	if !ok || len(runs) != 1 {
		t.Fatalf("runs must be an array of one run, got %v", log["runs"])
	}
	run := obj(t, runs[0], "runs[0]")
	driver := obj(t, obj(t, run["tool"], "tool")["driver"], "tool.driver")
	if name, _ := driver["name"].(string); name == "" {
		t.Error("tool.driver.name is required")
	}
	rules, _ := driver["rules"].([]any)
	if len(rules) == 0 {
		t.Fatal("tool.driver.rules is empty: code scanning shows no help text")
	}
	ids := make([]string, len(rules))
	for i, ru := range rules {
		rule := obj(t, ru, "rule")
		id, _ := rule["id"].(string)
		if id == "" {
			t.Errorf("rules[%d].id is required", i)
		}
		ids[i] = id
		for _, k := range []string{"shortDescription", "fullDescription", "help"} {
			if txt, _ := obj(t, rule[k], id+"."+k)["text"].(string); txt == "" {
				t.Errorf("%s.%s.text is required", id, k)
			}
		}
		if lvl := obj(t, rule["defaultConfiguration"], id+".defaultConfiguration")["level"]; !validLevel(lvl) {
			t.Errorf("%s: defaultConfiguration.level %v", id, lvl)
		}
	}
	results, ok := run["results"].([]any)
	if !ok {
		t.Fatal("runs[0].results must be an array (empty when clean)")
	}
	if len(results) != wantResults {
		t.Errorf("%d results, the report has %d findings", len(results), wantResults)
	}
	for i, re := range results {
		res := obj(t, re, "result")
		msg := obj(t, res["message"], "message")
		if txt, _ := msg["text"].(string); txt == "" {
			t.Errorf("results[%d].message.text is required", i)
		}
		if !validLevel(res["level"]) {
			t.Errorf("results[%d].level %v", i, res["level"])
		}
		idx, _ := res["ruleIndex"].(float64)
		if int(idx) >= len(ids) || ids[int(idx)] != res["ruleId"] {
			t.Errorf("results[%d]: ruleIndex %v does not point at rule %v", i, res["ruleIndex"], res["ruleId"])
		}
		locs, _ := res["locations"].([]any)
		if len(locs) == 0 {
			t.Errorf("results[%d] has no location", i)
			continue
		}
		phys := obj(t, obj(t, locs[0], "location")["physicalLocation"], "physicalLocation")
		uri, _ := obj(t, phys["artifactLocation"], "artifactLocation")["uri"].(string)
		line, _ := obj(t, phys["region"], "region")["startLine"].(float64)
		if uri == "" || line < 1 {
			t.Errorf("results[%d] (%v) is not located at a file line: uri %q line %v", i, res["ruleId"], uri, line)
			continue
		}
		if strings.HasPrefix(uri, "/") || strings.Contains(uri, "\\") {
			t.Errorf("results[%d]: uri %q must be relative with forward slashes", i, uri)
		}
		raw, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(uri)))
		if err != nil {
			t.Errorf("results[%d]: %v", i, err)
			continue
		}
		lines := strings.Split(string(raw), "\n")
		if int(line) > len(lines) {
			t.Errorf("results[%d]: line %v is past the end of %s", i, line, uri)
		}
	}
}

// TestSARIFLinesPointAtTheMistake: the guide's RBAC-007 findings are on the
// policy lines with "/*", RBAC-004 on the g line with the display name.
func TestSARIFLinesPointAtTheMistake(t *testing.T) {
	r := guideReport(t, "as-written", nil, fixedClock)
	raw, err := os.ReadFile(filepath.Join(repoRoot, guideDir, "as-written/argocd-rbac-cm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	seen := 0
	for _, f := range r.Findings {
		want := map[string]string{"RBAC-007": ", /*,", "RBAC-004": `g, "argocd-admins"`}[f.RuleID]
		if want == "" {
			continue
		}
		seen++
		if f.Location.FileLine < 1 || !strings.Contains(lines[f.Location.FileLine-1], want) {
			t.Errorf("%s at file line %d, which reads %q; want a line containing %q", f.RuleID, f.Location.FileLine,
				lines[max(f.Location.FileLine-1, 0)], want)
		}
	}
	if seen != 4 {
		t.Errorf("want 3 RBAC-007 and 1 RBAC-004 findings, got %d", seen)
	}
}

func validLevel(v any) bool {
	switch v {
	case "none", "note", "warning", "error":
		return true
	}
	return false
}

func obj(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: want an object, got %T", what, v)
	}
	return m
}
