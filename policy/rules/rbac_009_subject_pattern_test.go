package rules

import "testing"

func TestRBAC009SubjectPattern(t *testing.T) {
	runTable(t, "RBAC-009", []ruleCase{
		{name: "names", data: csv("p, alice@example.com, applications, get, */*, allow\ng, team.a+b, role:readonly")},
		{name: "star", data: csv("p, *, applications, get, */*, allow"), lines: []int{1}, contains: "matches nobody"},
		{name: "regex-looking group", data: csv("g, ^team-.*$, role:readonly"), lines: []int{1}},
	})
}
