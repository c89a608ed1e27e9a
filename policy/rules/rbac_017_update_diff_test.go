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
		newData  map[string]string
		op       string
		lines    []int
		contains string
	}{
		{"no change in effect (moved to an overlay, reordered)", with(csv("g, devs, role:dev"), "policy.dev.csv", "p, role:dev, applications, get, */*, allow"), "UPDATE", nil, ""},
		{"new grant", csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\np, role:dev, applications, sync, prod/*, allow"), "UPDATE", []int{3}, "devs gains sync applications prod/*"},
		{"new admin", csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\ng, devs, role:admin"), "UPDATE", []int{3}, "devs gains role role:admin ("},
		{"removing a grant is not reported", csv("g, devs, role:dev\np, role:dev, applications, get, prod/*, allow"), "UPDATE", nil, ""},
		{"create is not an update", csv("g, devs, role:admin"), "CREATE", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := rbacSnap(t, tc.newData, "")
			s.Operation, s.Old, s.Changed = tc.op, &policy.Object{Ref: rbacRef, Data: oldData}, &rbacRef
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
