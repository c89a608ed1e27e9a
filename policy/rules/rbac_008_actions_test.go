package rules

import "testing"

func TestRBAC008Actions(t *testing.T) {
	runTable(t, "RBAC-008", []ruleCase{
		{name: "known", data: csv("p, a, applications, update/*, */*, allow\np, a, applications, action/apps/Deployment/restart, */*, allow\np, a, accounts, get, *, allow\np, a, write-repositories, create, *, allow\np, a, extensions, invoke, httpbin, allow")},
		{name: "wildcards not judged", data: csv("p, a, *, *, *, allow\np, a, applications, *, */*, allow")},
		{name: "singular resource", data: csv("p, a, application, get, */*, allow"), lines: []int{1}, contains: "'application' is not a valid resource name"},
		{name: "capitalised action", data: csv("p, a, applications, Sync, */*, allow"), lines: []int{1}, contains: "'Sync' is not a valid action for applications"},
		{name: "path on a plain action", data: csv("p, a, clusters, update/x, *, allow"), lines: []int{1}},
		{name: "unknown resource with wildcard action", data: csv("p, a, widgets, *, *, allow"), lines: []int{1}},
		{name: "rollback", data: csv("p, a, applications, rollback, */*, allow"), lines: []int{1}, contains: "v3.6"},
	})
}
