package rules

import "testing"

func TestRBAC015Placeholder(t *testing.T) {
	runTable(t, "RBAC-015", []ruleCase{
		{name: "filled in", data: csv("g, " + adminsID + ", role:admin")},
		{name: "group placeholder", data: csv("g, <your-aws-group-id>, role:admin"), lines: []int{1}, contains: "<your-aws-group-id>"},
		{name: "project placeholder", data: csv("p, role:dev, applications, sync, <project>/*, allow"), lines: []int{1}},
		{name: "default placeholder", data: with(csv(""), "policy.default", "<default-role>"), lines: []int{1}},
	})
}
