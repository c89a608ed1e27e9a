package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestRBAC017UpdateDiff(t *testing.T) {
	oldData := csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev")
	cases := []struct {
		name     string
		oldData  map[string]string // nil: oldData above
		newData  map[string]string
		op       string
		lines    []int
		contains string
	}{
		{"no change in effect (moved to an overlay, reordered)", nil, with(csv("g, devs, role:dev"), "policy.dev.csv", "p, role:dev, applications, get, */*, allow"), "UPDATE", nil, ""},
		{"new grant", nil, csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\np, role:dev, applications, sync, prod/*, allow"), "UPDATE", []int{3}, "devs gains sync applications prod/*"},
		{"new admin", nil, csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\ng, devs, role:admin"), "UPDATE", []int{3}, "devs gains role role:admin ("},
		{"removing a grant is not reported", nil, csv("g, devs, role:dev\np, role:dev, applications, get, prod/*, allow"), "UPDATE", nil, ""},
		{"a? widened by a*: a gain (a? matches the text a*, not abc)", csv("p, role:dev, applications, get, a?, allow\ng, devs, role:dev"),
			csv("p, role:dev, applications, get, a?, allow\ng, devs, role:dev\np, role:dev, applications, get, a*, allow"), "UPDATE", []int{3}, "devs gains get applications a*"},
		{"narrowed inside */*: no gain", nil, csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\np, role:dev, applications, get, prod/*, allow"), "UPDATE", nil, ""},
		{"the empty subject gains a role", csv(""), csv("g,,role:readonly"), "UPDATE", []int{1}, `"" (the empty subject) gains role role:readonly (`},
		{"create is not an update", nil, csv("g, devs, role:admin"), "CREATE", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := rbacSnap(t, tc.newData, "")
			old := oldData
			if tc.oldData != nil {
				old = tc.oldData
			}
			s.Operation, s.Old, s.Changed = tc.op, &policy.Object{Ref: rbacRef, Data: old}, &rbacRef
			fs := run(t, "RBAC-017", s)
			if got := lines(fs); !sameInts(got, tc.lines) {
				for _, f := range fs {
					t.Log(f.Short(), f.Detail)
				}
				t.Fatalf("lines %v, want %v", got, tc.lines)
			}
			if tc.contains != "" && !strings.Contains(fs[0].Message, tc.contains) {
				t.Errorf("%q lacks %q", fs[0].Message, tc.contains)
			}
		})
	}
}
