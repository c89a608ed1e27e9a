package rules

import "testing"

func TestRBAC020IneffectiveDeny(t *testing.T) {
	runTable(t, "RBAC-020", []ruleCase{
		{name: "deny of something the default does not grant", data: with(csv("g, bob, role:admin\np, bob, applications, sync, prod/*, deny"), "policy.default", "role:readonly")},
		{name: "deny of what the default grants", data: with(csv("p, bob, applications, get, prod/*, deny"), "policy.default", "role:readonly"), lines: []int{1}, contains: "policy.default role:readonly allows it"},
		{name: "no default", data: csv("p, bob, applications, get, prod/*, deny")},
		{name: "class and alternatives", data: with(csv("p, bob, logs, \"{get,list}\", [pq]rod/*, deny"), "policy.default", "role:readonly"), lines: []int{1}},
	})
}
