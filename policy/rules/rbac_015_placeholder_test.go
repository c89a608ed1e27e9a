package rules

import "testing"

func TestRBAC015Placeholder(t *testing.T) {
	runTable(t, "RBAC-015", []ruleCase{
		{name: "filled in", data: csv("g, " + adminsID + ", role:admin")},
		{name: "group placeholder", data: csv("g, <your-aws-group-id>, role:admin"), lines: []int{1}, contains: "<your-aws-group-id>"},
		{name: "project placeholder", data: csv("p, role:dev, applications, sync, <project>/*, allow"), lines: []int{1}},
		{name: "default placeholder", data: with(csv(""), "policy.default", "<default-role>"), lines: []int{1}},
		{name: "your- group", data: csv("g, your-aws-group-id, role:admin"), lines: []int{1}, contains: "placeholder your-aws-group-id"},
		{name: "YOUR_ group", data: csv("p, role:dev, applications, get, */*, allow\ng, YOUR_GROUP_ID, role:dev"), lines: []int{2}, contains: "YOUR_GROUP_ID"},
		{name: "your_ project", data: csv("p, role:dev, applications, sync, your_project/*, allow"), lines: []int{1}},
		{name: "YOUR_ default", data: with(csv(""), "policy.default", "role:YOUR_ROLE"), lines: []int{1}},
		// Words that merely contain "your".
		{name: "yourcompany group is a real name", data: csv("g, yourcompany-admins, role:admin")},
		{name: "flavour-your inside a word", data: csv("g, team-flavouryour, role:admin")},
	})
}
