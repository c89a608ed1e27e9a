package rules

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// rbacFindings evaluates the whole catalogue and keeps the RBAC findings.
func rbacFindings(t *testing.T, s *policy.Snapshot) []policy.Finding {
	t.Helper()
	all, err := evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	var out []policy.Finding
	for _, f := range all {
		if strings.HasPrefix(f.RuleID, "RBAC-") {
			out = append(out, f)
		}
	}
	return out
}

// The guide's argocd-rbac-cm must produce exactly the RBAC findings of
// test/testdata/guide/expected-findings.md.
func TestGuideAsWrittenRBACFindings(t *testing.T) {
	fs := rbacFindings(t, guideSnap(t, "as-written"))
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s %s %s line %d", f.RuleID, f.Action, f.Location.Key, f.Location.Line))
		t.Log(f.Short())
	}
	sort.Strings(got)
	want := []string{
		"RBAC-004 deny policy.csv line 6",
		"RBAC-007 deny policy.csv line 1",
		"RBAC-007 deny policy.csv line 4",
		"RBAC-007 deny policy.csv line 5",
		// One finding for one problem: lines 1 to 5 extend the built-in roles.
		"RBAC-014 audit policy.csv line 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range fs {
		if f.RuleID == "RBAC-004" && !strings.Contains(f.Message, "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01") {
			t.Errorf("RBAC-004 must name the group ID: %s", f.Short())
		}
		if f.RuleID == "RBAC-007" && !strings.Contains(f.Message, "*/*") {
			t.Errorf("RBAC-007 must say */* was meant: %s", f.Short())
		}
		if f.RuleID == "RBAC-014" && !strings.Contains(f.Message, "lines 1-5 extend") {
			t.Errorf("RBAC-014 must name lines 1 to 5 as extending the built-in roles: %s", f.Short())
		}
		if f.Location.Object.Name != "argocd-rbac-cm" {
			t.Errorf("finding on %v", f.Location.Object)
		}
	}
}

func TestGuideFixedHasNoDenyOrWarn(t *testing.T) {
	for _, f := range rbacFindings(t, guideSnap(t, "fixed")) {
		if f.Action != policy.ActionAudit {
			t.Errorf("fixed configuration: %s (%s)", f.Short(), f.Action)
		}
	}
}
