package rules

import "testing"

func TestRBAC005EmptyRole(t *testing.T) {
	runTable(t, "RBAC-005", []ruleCase{
		{name: "defined role", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev")},
		{name: "built-in role", data: with(csv("g, devs, role:readonly"), "policy.default", "role:readonly")},
		{name: "inherited permissions count", data: csv("g, role:dev, role:readonly\ng, devs, role:dev")},
		{name: "typo", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:Dev"), lines: []int{2}, contains: `did you mean "role:dev"`},
		{name: "default with trailing space", data: with(csv(""), "policy.default", "role:readonly "), lines: []int{1}, contains: `did you mean "role:readonly"`},
		{name: "project role not checked", data: csv("g, devs, proj:web:deployer")},
	})
}
