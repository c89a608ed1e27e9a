package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// Offering a UI extension to every user through the default role is a
// deliberate choice: RBAC-022 warns, RBAC-002 (writes by everyone) stays
// silent, while a real write in the same default role is still denied.
func TestRBAC022DefaultExtensions(t *testing.T) {
	const base = "p, role:base, applications, get, */*, allow\n"
	runTable(t, "RBAC-022", []ruleCase{
		{name: "no extensions", data: with(csv(base), "policy.default", "role:base")},
		{name: "metrics extension", data: with(csv(base+"p, role:base, extensions, invoke, metrics, allow"), "policy.default", "role:base"),
			lines: []int{1}, contains: `invoke extension "metrics"`, action: policy.ActionWarn},
		{name: "two extensions, one finding", data: with(csv(base+"p, role:base, extensions, invoke, metrics, allow\np, role:base, extensions, invoke, logs-ext, allow"), "policy.default", "role:base"),
			lines: []int{1}, contains: `"metrics", "logs-ext"`, action: policy.ActionWarn},
		{name: "inherited by the default", data: with(csv("p, role:ext, extensions, invoke, *, allow\ng, role:base, role:ext"), "policy.default", "role:base"),
			lines: []int{1}, contains: `extension "*"`},
		{name: "granted to a group only", data: with(csv("p, role:ext, extensions, invoke, metrics, allow\ng, devs, role:ext"), "policy.default", "role:readonly")},
		{name: "denied extension", data: with(csv("p, role:base, extensions, invoke, metrics, deny"), "policy.default", "role:base")},
	})
	runTable(t, "RBAC-002", []ruleCase{
		{name: "extension invoke is not a write", data: with(csv(base+"p, role:base, extensions, invoke, metrics, allow"), "policy.default", "role:base")},
		{name: "a write beside it is still denied", data: with(csv(base+"p, role:base, extensions, invoke, metrics, allow\np, role:base, applications, sync, */*, allow"), "policy.default", "role:base"),
			lines: []int{1}, contains: "allows sync", action: policy.ActionDeny},
	})
}
