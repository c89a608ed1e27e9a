package rules

import "testing"

func TestRBAC013Whitespace(t *testing.T) {
	runTable(t, "RBAC-013", []ruleCase{
		{name: "clean (leading spaces are trimmed)", data: csv("  p,   a,  applications, get, */*, allow  ")},
		{name: "trailing space in subject", data: csv("g, bob , role:dev"), lines: []int{1}, contains: `subject "bob " keeps its whitespace`},
		{name: "quoted leading space", data: csv(`p, " role:dev", applications, get, */*, allow`), lines: []int{1}},
		{name: "default with space", data: with(csv(""), "policy.default", " role:readonly"), lines: []int{1}},
	})
}
