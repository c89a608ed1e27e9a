package rules

import "testing"

func TestRBAC001Syntax(t *testing.T) {
	runTable(t, "RBAC-001", []ruleCase{
		{name: "valid", data: csv("# note\np, role:dev, applications, get, */*, allow\ng, devs, role:dev")},
		{name: "p line missing a comma", data: csv("p, role:dev, applications, get, */*, allow\np, role:dev, applications, *, myproj/* allow"), lines: []int{2}, contains: "p line has 5 fields"},
		{name: "g line missing a comma", data: csv("g, user@x role:admin"), lines: []int{1}, contains: "needs exactly 3"},
		{name: "bad quoting", data: csv(`g, a"b, role:x`), lines: []int{1}, contains: "CSV quoting"},
		{name: "r/e/m lines are ignored", data: csv("r, a, b, c, d\np, a, b, c, d, allow\nm, x"), lines: []int{1, 3}, contains: "ignored"},
		{name: "inline comment", data: csv("p, a, applications, get, */*, allow # temporary"), lines: []int{1}, contains: "inline # note"},
		{name: "hash inside a value is fine", data: csv("p, a, applications, get, team#1/*, allow")},
		{name: "overlay key is located", data: with(csv("p, a, applications, get, */*, allow"), "policy.b.csv", "\n\ng, a"), lines: []int{3}},
	})
}
