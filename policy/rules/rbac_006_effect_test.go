package rules

import "testing"

func TestRBAC006Effect(t *testing.T) {
	runTable(t, "RBAC-006", []ruleCase{
		{name: "allow and deny", data: csv("p, a, applications, get, */*, allow\np, a, applications, sync, */*, deny")},
		{name: "capitalised", data: csv("p, a, applications, get, */*, Allow"), lines: []int{1}, contains: `"Allow"`},
		{name: "empty", data: csv("p, a, applications, get, */*, "), lines: []int{1}},
		{name: "inline note is RBAC-001's", data: csv("p, a, applications, get, */*, allow # x")},
	})
}
