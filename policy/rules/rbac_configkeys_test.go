package rules

import "testing"

func TestRBAC011MatchMode(t *testing.T) {
	runTable(t, "RBAC-011", []ruleCase{
		{name: "glob", data: with(csv(""), "policy.matchMode", "glob")},
		{name: "regex", data: with(csv(""), "policy.matchMode", "regex")},
		{name: "unset", data: csv("")},
		{name: "typo", data: with(csv(""), "policy.matchMode", "Regex"), lines: []int{1}, contains: "Argo CD uses glob"},
		{name: "trailing space", data: with(csv(""), "policy.matchMode", "regex "), lines: []int{1}},
	})
}

func TestRBAC012Scopes(t *testing.T) {
	runTable(t, "RBAC-012", []ruleCase{
		{name: "flow list", data: with(csv(""), "scopes", "[groups, email]")},
		{name: "block list", data: with(csv(""), "scopes", "- groups\n- email\n")},
		{name: "unset", data: csv("")},
		{name: "plain string", data: with(csv(""), "scopes", "groups"), lines: []int{1}, contains: "argocd-server will not start"},
		{name: "comma string", data: with(csv(""), "scopes", "groups, email"), lines: []int{1}},
		{name: "quoted inside the value", data: with(csv(""), "scopes", "'[groups]'"), lines: []int{1}},
	})
}
