package rules

import "testing"

func TestRBAC002defaults(t *testing.T) {
	runTable(t, "RBAC-002", []ruleCase{
		{name: "readonly is fine", data: with(csv(""), "policy.default", "role:readonly")},
		{name: "no default", data: csv("g, a, role:admin")},
		{name: "admin", data: with(csv(""), "policy.default", "role:admin"), lines: []int{1}, contains: "every user is an administrator"},
		{name: "inherits admin", data: with(csv("g, role:all, role:admin"), "policy.default", "role:all"), lines: []int{1}, contains: "inherits role:admin"},
		{name: "custom role that syncs", data: with(csv("p, role:base, applications, get, */*, allow\np, role:base, applications, sync, */*, allow"), "policy.default", "role:base"), lines: []int{1}, contains: "allows sync"},
		{name: "custom read-only role", data: with(csv("p, role:base, applications, get, */*, allow\np, role:base, logs, get, */*, allow"), "policy.default", "role:base")},
		{name: "wildcard action", data: with(csv("p, role:base, applications, *, */*, allow"), "policy.default", "role:base"), lines: []int{1}},
	})
}
