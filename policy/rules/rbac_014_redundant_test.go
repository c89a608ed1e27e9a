package rules

import "testing"

func TestRBAC014Redundant(t *testing.T) {
	runTable(t, "RBAC-014", []ruleCase{
		{name: "clean", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\ng, ops, role:admin")},
		{name: "duplicate", data: csv("p, role:dev, applications, get, */*, allow\n\np,role:dev,applications,get,*/*,allow"), lines: []int{3}, contains: `repeats data["policy.csv"] line 1`},
		{name: "extends built-in role", data: csv("p, role:readonly, applications, sync, */*, allow"), lines: []int{1}, contains: "extends built-in role:readonly"},
		{name: "g on built-in role", data: csv("g, role:readonly, role:dev\np, role:dev, clusters, get, *, allow"), lines: []int{1}},
		{name: "cycle", data: csv("g, role:a, role:b\ng, role:b, role:a\np, role:a, applications, get, */*, allow"), lines: []int{1}, contains: "role cycle"},
	})
}
