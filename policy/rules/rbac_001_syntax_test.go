package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestRBAC001Syntax(t *testing.T) {
	runTable(t, "RBAC-001", []ruleCase{
		{name: "valid", data: csv("# note\np, role:dev, applications, get, */*, allow\ng, devs, role:dev")},
		{name: "p line missing a comma", data: csv("p, role:dev, applications, get, */*, allow\np, role:dev, applications, *, myproj/* allow"), lines: []int{2}, contains: "p line has 5 fields"},
		{name: "g line missing a comma", data: csv("g, user@x role:admin"), lines: []int{1}, contains: "needs exactly 3"},
		{name: "bad quoting", data: csv(`g, a"b, role:x`), lines: []int{1}, contains: "CSV quoting"},
		{name: "r/e/m lines are ignored", data: csv("r, a, b, c, d\np, a, b, c, d, allow\nm, x"), lines: []int{1, 3}, contains: "ignored"},
		{name: "inline comment", data: csv("p, a, applications, get, */*, allow # temporary"), lines: []int{1}, contains: "inline # note"},
		{name: "hash inside a value is fine", data: csv("p, a, applications, get, team#1/*, allow")},
		{name: "overlay key is located", data: with(csv("p, a, applications, get, */*, allow"), "policy.b.csv", "\n\ng, a"), lines: []int{3}},
	})
}

// Argo CD refuses a policy with one broken line as a whole, but the other
// findings are still reported: a reviewer needs every problem in one pass.
func TestRBAC001BrokenLineKeepsOtherFindings(t *testing.T) {
	good := "p, role:dev, applications, get, */*, allow\ng, devs, role:dev\n" +
		"g, ops, role:typo\n" + // RBAC-005: a role with no permissions
		"p, my-org:team-alpha, applications, sync, */*, allow\n" // RBAC-019: group with no g line
	broken := good + "p, role:dev, applications, *, myproj/* allow\n" // line 5: five fields
	ids := func(data map[string]string) map[string][]int {
		fs, err := evaluate(rbacSnap(t, data, ""))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]int{}
		for _, f := range fs {
			out[f.RuleID] = append(out[f.RuleID], f.Location.Line)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		data map[string]string
		want map[string][]int // rule -> lines (1 for policy.default)
	}{
		{"working policy", with(csv(good), "policy.default", "role:admin"),
			map[string][]int{"RBAC-002": {1}, "RBAC-005": {3}, "RBAC-019": {4}}},
		{"one broken line", with(csv(broken), "policy.default", "role:admin"),
			map[string][]int{"RBAC-001": {5}, "RBAC-002": {1}, "RBAC-005": {3}, "RBAC-019": {4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(tc.data)
			for id, lines := range tc.want {
				if !sameInts(got[id], lines) {
					t.Errorf("%s at lines %v, want %v (all: %v)", id, got[id], lines, got)
				}
			}
			if _, ok := tc.want["RBAC-001"]; !ok && len(got["RBAC-001"]) > 0 {
				t.Errorf("RBAC-001 on a working policy: %v", got["RBAC-001"])
			}
		})
	}
}

// An update to a broken policy is not diffed (Argo CD would load nothing),
// and an update from a broken policy is diffed against the built-ins only.
func TestRBAC017BrokenPolicies(t *testing.T) {
	broken := csv("p, role:dev, applications, get, */*, allow\ng, devs role:dev\n")
	fixed := csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\n")
	update := func(old, new map[string]string) *policy.Snapshot {
		s := rbacSnap(t, new, "")
		s.Old = &policy.Object{Ref: rbacRef, Data: old}
		s.Operation = "UPDATE"
		return s
	}
	if fs := run(t, "RBAC-017", update(fixed, broken)); len(fs) != 0 {
		t.Fatalf("diff of a policy Argo CD refuses: %+v", fs)
	}
	fs := run(t, "RBAC-017", update(broken, fixed))
	if len(fs) == 0 || !strings.Contains(fs[0].Message, "devs") {
		t.Fatalf("repairing the policy grants devs role:dev, want it reported: %+v", fs)
	}
}
