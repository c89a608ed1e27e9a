package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// RBAC-017 skips its diff when the keys the enforcer is built from are
// unchanged; every change to one of them must still be diffed.
func TestSamePolicyData(t *testing.T) {
	base := map[string]string{"policy.csv": "g, devs, role:admin", "policy.default": "role:readonly", "scopes": "[groups]"}
	tweak := func(f func(m map[string]string)) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		f(m)
		return m
	}
	for _, tc := range []struct {
		name string
		new  map[string]string
		same bool
	}{
		{"identical", tweak(func(map[string]string) {}), true},
		{"scopes changed", tweak(func(m map[string]string) { m["scopes"] = "[email]" }), true},
		{"unrelated key added", tweak(func(m map[string]string) { m["note"] = "x" }), true},
		{"policy.csv changed", tweak(func(m map[string]string) { m["policy.csv"] += "\n" }), false},
		{"policy.csv removed", tweak(func(m map[string]string) { delete(m, "policy.csv") }), false},
		{"overlay added", tweak(func(m map[string]string) { m["policy.team.csv"] = "" }), false},
		{"odd overlay key added", tweak(func(m map[string]string) { m["policy..csv"] = "g, x, role:admin" }), false},
		{"default changed", tweak(func(m map[string]string) { m["policy.default"] = "role:admin" }), false},
		{"match mode added", tweak(func(m map[string]string) { m["policy.matchMode"] = "regex" }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := samePolicyData(base, tc.new); got != tc.same {
				t.Errorf("samePolicyData(old, new) = %v, want %v", got, tc.same)
			}
			if got := samePolicyData(tc.new, base); got != tc.same {
				t.Errorf("samePolicyData(new, old) = %v, want %v", got, tc.same)
			}
		})
	}
}

func TestRBAC017StillReportsMatchModeAndDefault(t *testing.T) {
	old := map[string]string{"policy.csv": "g, devs, role:readonly"}
	for _, tc := range []struct {
		name, key, value string
	}{
		{"match mode", "policy.matchMode", "regex"},
		{"default role", "policy.default", "role:admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rbacSnap(t, map[string]string{"policy.csv": "g, devs, role:readonly", tc.key: tc.value}, "")
			s.Operation, s.Old, s.Changed = "UPDATE", &policy.Object{Ref: rbacRef, Data: old}, &rbacRef
			if fs := run(t, "RBAC-017", s); len(fs) == 0 {
				t.Errorf("a changed %s is not reported", tc.key)
			}
		})
	}
}
