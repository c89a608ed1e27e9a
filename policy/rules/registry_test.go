package rules

import (
	"os"
	"regexp"
	"testing"
)

// TestCatalogueMatchesDocs walks the registry: every ID in docs/rules.md is
// registered, nothing else is, and each rule's severity and action match
// the table.
func TestCatalogueMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| ((?:RBAC|PROJ|ACD|DEX|WF|WFSA|GUARD)-[0-9]{3}) \| (\w+) \| (\w+) \|`)
	want := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		want[m[1]] = [2]string{m[2], m[3]}
	}
	if len(want) < 58 { // docs/rules.md lists at least the first catalogue and GUARD-001
		t.Fatalf("read only %d rule rows from docs/rules.md", len(want))
	}
	got := map[string]bool{}
	for _, r := range registry.Rules() {
		got[r.ID] = true
		w, ok := want[r.ID]
		if !ok {
			t.Errorf("rule %s is registered but not in docs/rules.md", r.ID)
			continue
		}
		if string(r.Severity) != w[0] || string(r.Action) != w[1] {
			t.Errorf("rule %s: severity/action %s/%s, docs say %s/%s", r.ID, r.Severity, r.Action, w[0], w[1])
		}
		if r.Doc == "" {
			t.Errorf("rule %s has no doc text", r.ID)
		}
	}
	for id := range want {
		if !got[id] {
			t.Errorf("rule %s from docs/rules.md is not registered", id)
		}
	}
}
