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
		// Shadowed only when certain: coverage is proven, not read off the text.
		{name: "a? does not shadow a* (a? matches the text a*, not abc)", data: csv("p, role:dev, applications, get, a?, allow\np, role:dev, applications, get, a*, allow")},
		{name: "an escaped star does not shadow *", data: csv("p, role:dev, applications, get, \\*, allow\np, role:dev, applications, get, *, allow")},
		{name: "a literal inside a ? glob is shadowed", data: csv("p, role:dev, applications, get, a?, allow\np, role:dev, applications, get, ab, allow"), lines: []int{2}, contains: `shadowed by data["policy.csv"] line 1`},
		{name: "a longer prefix is shadowed", data: csv("p, role:dev, applications, get, team-*, allow\np, role:dev, applications, get, team-a*, allow"), lines: []int{2}},
		{name: "a shorter prefix is not", data: csv("p, role:dev, applications, get, team-a*, allow\np, role:dev, applications, get, team-*, allow"), lines: []int{1}},
		{name: "a ? glob inside * is not proven: not reported", data: csv("p, role:dev, applications, get, */*, allow\np, role:dev, applications, get, team-?/*, allow")},
		{name: "same meaning written twice: only the later line", data: csv("p, role:dev, applications, get, *, allow\np, role:dev, applications, get, **, allow"), lines: []int{2}, contains: "line 1"},
		{name: "a deny covering a prefix", data: csv("p, role:dev, applications, sync, team-a*, allow\np, role:dev, applications, sync, team-*, deny"), lines: []int{1}, contains: "never takes effect"},
		{name: "regex: an anchored literal inside .*", data: with(csv("p, role:dev, applications, get, .*, allow\np, role:dev, applications, get, ^prod/a$, allow"), "policy.matchMode", "regex"), lines: []int{2}},
		{name: "regex: a regex inside a regex is not proven", data: with(csv("p, role:dev, applications, get, prod/.*, allow\np, role:dev, applications, get, prod/a.*, allow"), "policy.matchMode", "regex")},
		{name: "cycle", data: csv("g, role:a, role:b\ng, role:b, role:a\np, role:a, applications, get, */*, allow"), lines: []int{1}, contains: "role cycle"},
	})
}
