package rules

import "testing"

func TestRBAC018RegexBuiltin(t *testing.T) {
	runTable(t, "RBAC-018", []ruleCase{
		{name: "glob with built-ins", data: with(csv("g, ops, role:admin"), "policy.default", "role:readonly")},
		{name: "regex with own roles", data: with(csv("p, role:dev, applications, get, .*, allow\ng, devs, role:dev"), "policy.matchMode", "regex")},
		{name: "regex with role:admin", data: with(csv("g, ops, role:admin"), "policy.matchMode", "regex"), lines: []int{1}, contains: "grants nothing in regex mode"},
		{name: "regex with readonly default", data: with(csv(""), "policy.matchMode", "regex", "policy.default", "role:readonly"), lines: []int{1}},
		{name: "regex default inheriting readonly", data: with(csv("g, role:base, role:readonly"), "policy.matchMode", "regex", "policy.default", "role:base"), lines: []int{1, 1}},
	})
}
