package rules

import "testing"

func TestPROJ002Subject(t *testing.T) {
	role := func(policies ...string) string {
		s := "roles:\n- name: dev\n  policies:\n"
		for _, p := range policies {
			s += "  - '" + p + "'\n"
		}
		return s + "- name: ops\n"
	}
	runProjTable(t, "PROJ-002", []projCase{
		{name: "own subject", spec: role("p, proj:team-a:dev, applications, sync, team-a/*, allow")},
		{name: "g line to role:admin is a hole", spec: role("g, some-group, role:admin"),
			want: []string{"spec.roles[0].policies[0] deny"}, contains: "role:admin"},
		{name: "allow for a global role", spec: role("p, role:readonly, applications, delete, team-a/*, allow"),
			want: []string{"spec.roles[0].policies[0] deny"}, contains: "everyone holding role:readonly"},
		{name: "allow for policy.default's role reaches every user", spec: role("p, role:viewer, applications, delete, team-a/*, allow"),
			rbac: with(csv("p, role:viewer, applications, get, */*, allow"), "policy.default", "role:viewer"), want: []string{"spec.roles[0].policies[0] deny"}, contains: "every user"},
		{name: "deny for a global role grants nothing", spec: role("p, role:readonly, applications, get, team-a/*, deny"),
			want: []string{"spec.roles[0].policies[0] warn"}},
		{name: "allow for a group bypasses the role", spec: role("p, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, applications, sync, team-a/*, allow"),
			want: []string{"spec.roles[0].policies[0] warn"}, contains: "bypasses"},
		{name: "another role of the project", spec: role("p, proj:team-a:ops, applications, sync, team-a/*, allow"),
			want: []string{"spec.roles[0].policies[0] warn"}},
		{name: "another project's role is inert", spec: role("p, proj:team-b:dev, applications, sync, team-a/*, allow"),
			want: []string{"spec.roles[0].policies[0] warn"}, contains: "another project"},
		{name: "g line to this project's role", spec: role("g, some-user, proj:team-a:ops"),
			want: []string{"spec.roles[0].policies[0] warn"}, contains: "groups"},
		{name: "g line to another project's role", spec: role("g, some-user, proj:team-b:ops"),
			want: []string{"spec.roles[0].policies[0] deny"}},
	})
}
