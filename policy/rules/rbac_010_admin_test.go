package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

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

// Thirteen e-mail users given role:admin line by line are one problem: one
// finding that names how many, and lists every subject and line.
func TestRBAC010Grouped(t *testing.T) {
	var lines []string
	for i := range 13 {
		lines = append(lines, fmt.Sprintf("g, user%02d@example.com, role:admin", i))
	}
	lines = append(lines, "g, "+devsID+", role:admin", "g, contractors, role:admin",
		"p, role:ops, applications, *, */*, allow", "p, role:ops, clusters, *, *, allow", "g, "+devsID+", role:ops")
	fs := run(t, "RBAC-010", rbacSnap(t, csv(strings.Join(lines, "\n")), awsSettings))
	if len(fs) != 3 {
		for _, f := range fs {
			t.Log(f.Short())
		}
		t.Fatalf("%d findings, want 3 (e-mail users, other subjects, wildcard lines)", len(fs))
	}
	byLine := map[int]policy.Finding{}
	for _, f := range fs {
		byLine[f.Location.Line] = f
	}
	users, others, wild := byLine[1], byLine[14], byLine[16]
	if !strings.Contains(users.Message, "13 e-mail users get role:admin") {
		t.Errorf("users: %s", users.Short())
	}
	for i := range 13 {
		if !strings.Contains(users.Detail, fmt.Sprintf(`data["policy.csv"] line %d: user%02d@example.com gets role:admin`, i+1, i)) {
			t.Errorf("users detail lacks line %d: %s", i+1, users.Detail)
		}
	}
	if !strings.Contains(others.Message, "2 subjects get role:admin") || !strings.Contains(others.Detail, "line 15: contractors") {
		t.Errorf("others: %s / %s", others.Short(), others.Detail)
	}
	if !strings.Contains(wild.Message, "lines 16-17 grant every action") || !strings.Contains(wild.Detail, "every action on all clusters") {
		t.Errorf("wildcards: %s / %s", wild.Short(), wild.Detail)
	}
}
