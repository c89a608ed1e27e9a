package rules

import "testing"

func TestRBAC010AdminGrant(t *testing.T) {
	runTable(t, "RBAC-010", []ruleCase{
		{name: "admin group by id", data: csv("g, " + adminsID + ", role:admin"), settings: awsSettings},
		{name: "admin group by name", data: csv("g, argocd-admins, role:admin"), settings: awsSettings},
		{name: "developers get admin", data: csv("g, " + devsID + ", role:admin"), settings: awsSettings, lines: []int{1}, contains: "argocd-developers (" + devsID + ") is not in the settings' adminGroups"},
		{name: "through a role chain", data: csv("g, role:ops, role:admin\ng, " + devsID + ", role:ops"), settings: awsSettings, lines: []int{2}},
		{name: "wildcard on all applications", data: csv("p, role:ops, applications, *, */*, allow\ng, " + devsID + ", role:ops"), settings: awsSettings, lines: []int{1}, contains: devsID},
		{name: "wildcard role held by admins only", data: csv("p, role:ops, applications, *, */*, allow\ng, " + adminsID + ", role:ops"), settings: awsSettings},
		{name: "wildcard on one project", data: csv("p, role:ops, applications, *, team-a/*, allow\ng, " + devsID + ", role:ops"), settings: awsSettings},
	})
}
