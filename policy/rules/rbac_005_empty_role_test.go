package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestRBAC005EmptyRole(t *testing.T) {
	runTable(t, "RBAC-005", []ruleCase{
		{name: "defined role", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev")},
		{name: "built-in role", data: with(csv("g, devs, role:readonly"), "policy.default", "role:readonly")},
		{name: "inherited permissions count", data: csv("g, role:dev, role:readonly\ng, devs, role:dev")},
		{name: "typo", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:Dev"), lines: []int{2}, contains: `did you mean "role:dev"`, action: policy.ActionDeny},
		{name: "one letter missing", data: csv("p, role:deploy, applications, sync, */*, allow\ng, devs, role:deplo"), lines: []int{2}, contains: `did you mean "role:deploy"`, action: policy.ActionDeny},
		{name: "project role not checked", data: csv("g, devs, proj:web:deployer")},
		// A g line to a role without permissions is dead; the message says
		// so, not that the subject loses what it has elsewhere.
		{name: "dead line on role:admin", data: csv(`g, role:admin, "*"`), lines: []int{1}, contains: `dead line: role "*" has no permissions`, action: policy.ActionDeny},
		{name: "dead line keeps the subject's own permissions", data: csv(`g, role:admin, "*"`), lines: []int{1}, contains: `"role:admin" keeps the permissions`},

		// policy.default: deny by default is a working setup.
		{name: "default role:none is deny by default", data: with(csv("g, devs, role:readonly"), "policy.default", "role:none")},
		{name: "default custom empty role", data: with(csv("p, role:dev, applications, get, */*, allow"), "policy.default", "role:nobody")},
		{name: "default typo warns", data: with(csv("p, role:viewer, applications, get, */*, allow"), "policy.default", "role:veiwer"), lines: []int{1}, contains: `a typo of "role:viewer"`, action: policy.ActionWarn},
		{name: "default trailing space warns", data: with(csv(""), "policy.default", "role:readonly "), lines: []int{1}, contains: `a typo of "role:readonly"`, action: policy.ActionWarn},
		{name: "default that exists", data: with(csv(""), "policy.default", "role:readonly")},
	})
}

// The fix for a default that looks like a typo must not push towards a
// wider default: it names the near role only as what may have been meant
// and keeps deny by default as an answer.
func TestRBAC005DefaultFixNeverWidens(t *testing.T) {
	fs := run(t, "RBAC-005", rbacSnap(t, with(csv(""), "policy.default", "role:readonlyy"), ""))
	if len(fs) != 1 {
		t.Fatalf("want one finding, got %v", fs)
	}
	if got := fs[0].Fix; !containsAll(got, "if \"role:readonly\" was meant", "deny by default") {
		t.Errorf("fix %q must offer deny by default and name the near role only conditionally", got)
	}
	fs = run(t, "RBAC-005", rbacSnap(t, with(csv(""), "policy.default", "role:none"), ""))
	if len(fs) != 0 {
		t.Errorf("role:none as default must not be reported: %v", fs)
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"role:dev", "role:dev", true},
		{"role:dev", "role:dew", true},
		{"role:dev", "role:de", true},
		{"role:dev", "role:devs", true},
		{"role:dev", "role:edv", true},
		{"role:dev", "role:vde", false},
		{"role:dev", "role:d", false},
		{"abcd", "acxd", false},
		{"", "a", true},
		{"", "ab", false},
	} {
		if got := withinOneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := withinOneEdit(tc.b, tc.a); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// Very long role names are not indexed for suggestions (each name adds its
// length in variants of its length): the dead line is still reported.
func TestRBAC005VeryLongRoleName(t *testing.T) {
	long := "role:" + strings.Repeat("x", 100000)
	fs, err := evaluate(rbacSnap(t, csv("p, "+long+", applications, get, */*, allow\ng, devs, "+long+"y"), ""))
	if err != nil {
		t.Fatal(err)
	}
	var dead []policy.Finding
	for _, f := range fs {
		if f.RuleID == "RBAC-005" {
			dead = append(dead, f)
		}
	}
	if len(dead) != 1 || !strings.Contains(dead[0].Message, "dead line") || strings.Contains(dead[0].Detail, "did you mean") {
		t.Fatalf("want one dead-line finding without a suggestion, got %+v", dead)
	}
}
