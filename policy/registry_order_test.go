package policy

import (
	"strings"
	"testing"
)

// Rules come out in catalogue order (RBAC, PROJ, ACD, DEX, WF, WFSA, GUARD, then number)
// whatever the order they are given in, and callers get their own copy.
func TestRulesInIDOrderWhateverTheRegistrationOrder(t *testing.T) {
	var rules []Rule
	for _, id := range []string{"GUARD-001", "WFSA-001", "WF-002", "PROJ-002", "RBAC-010", "DEX-001", "ACD-003", "RBAC-002", "WF-001", "PROJ-001", "ACD-001"} {
		rules = append(rules, quietRule(id))
	}
	r, err := NewRegistry(rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := func() string {
		var out []string
		for _, rule := range r.Rules() {
			out = append(out, rule.ID)
		}
		return strings.Join(out, " ")
	}
	want := "RBAC-002 RBAC-010 PROJ-001 PROJ-002 ACD-001 ACD-003 DEX-001 WF-001 WF-002 WFSA-001 GUARD-001"
	if got := ids(); got != want {
		t.Fatalf("Rules() = %s, want %s", got, want)
	}
	r.Rules()[0].ID = "changed by a caller"
	if got := ids(); got != want {
		t.Fatalf("a caller changed the registry: %s", got)
	}
}
