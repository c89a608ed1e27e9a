package rules

import "testing"

func TestRBAC007NeverMatch(t *testing.T) {
	runTable(t, "RBAC-007", []ruleCase{
		{name: "project patterns", data: csv("p, a, applications, get, */*, allow\np, a, applications, sync, team-*/*, allow\np, a, logs, get, prod/web, allow")},
		{name: "empty project", data: csv("p, a, applications, get, /*, allow"), lines: []int{1}, contains: "*/* was meant"},
		{name: "no project", data: csv("p, a, applicationsets, get, web, allow"), lines: []int{1}, contains: "*/web"},
		{name: "clusters take bare urls", data: csv("p, a, clusters, get, https://kubernetes.default.svc, allow")},
		{name: "invalid glob", data: csv("p, a, applications, get, [prod/*, allow"), lines: []int{1}, contains: "not a valid glob"},
		{name: "unclosed alternative", data: csv("p, a, applications, get, team-{a/*, allow"), lines: []int{1}, contains: "unbalanced { }"},
		{name: "closed alternative", data: csv(`p, a, applications, "{get,sync}", "{team-a,team-b}/*", allow`)},
		{name: "invalid regex", data: with(csv("p, a, applications, get, (prod/.*, allow"), "policy.matchMode", "regex"), lines: []int{1}, contains: "requests reaching it fail"},
		{name: "regex object without project is not judged", data: with(csv("p, a, applications, get, web$, allow"), "policy.matchMode", "regex")},
	})
}
