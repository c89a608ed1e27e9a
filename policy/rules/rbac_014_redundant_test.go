package rules

import "testing"

func TestRBAC014Redundant(t *testing.T) {
	runTable(t, "RBAC-014", []ruleCase{
		{name: "clean", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\ng, ops, role:admin")},
		{name: "duplicate", data: csv("p, role:dev, applications, get, */*, allow\n\np,role:dev,applications,get,*/*,allow"), lines: []int{3}, contains: `repeats data["policy.csv"] line 1`},
		{name: "extends built-in role", data: csv("p, role:readonly, applications, sync, */*, allow"), lines: []int{1}, contains: "extends built-in role:readonly"},
		{name: "g on built-in role", data: csv("g, role:readonly, role:dev\np, role:dev, clusters, get, *, allow"), lines: []int{1}},
		{name: "allow inside a wider allow", data: csv("p, role:dev, applications, get, */*, allow\np, role:dev, applications, get, team-a/*, allow"), lines: []int{2}, contains: `shadowed by data["policy.csv"] line 1`},
		{name: "allow inside a deny", data: csv("p, role:dev, applications, sync, team-a/prod, allow\np, role:dev, applications, sync, team-a/*, deny"), lines: []int{1}, contains: "never takes effect"},
		{name: "different subjects do not shadow", data: csv("p, role:dev, applications, get, */*, allow\np, role:ops, applications, get, team-a/*, allow")},
		{name: "cycle", data: csv("g, role:a, role:b\ng, role:b, role:a\np, role:a, applications, get, */*, allow"), lines: []int{1}, contains: "role cycle"},
	})
}
