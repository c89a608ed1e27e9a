package rules

import "testing"

func TestPROJ007EmptyRole(t *testing.T) {
	runProjTable(t, "PROJ-007", []projCase{
		{name: "role with its policy", spec: groupsSpec(devsID)},
		{name: "role without policies", spec: "roles:\n- name: dev\n  groups: [" + devsID + "]\n",
			want: []string{"spec.roles[0] warn"}, contains: "only get"},
		{name: "policy written for another subject", spec: "roles:\n- name: dev\n  policies: ['p, proj:team-a:ops, applications, get, team-a/*, allow']\n- name: ops\n  policies: ['p, proj:team-a:ops, applications, get, team-a/*, allow']\n",
			want: []string{"spec.roles[0] warn"}},
		{name: "only a deny", spec: "roles:\n- name: dev\n  policies: ['p, proj:team-a:dev, applications, delete, team-a/*, deny']\n",
			want: []string{"spec.roles[0] warn"}},
		{name: "project that does not load is PROJ-001's", spec: "roles:\n- name: dev\n  policies: ['p, x']\n"},
	})
}

func TestPROJ009TokenExpiry(t *testing.T) {
	runProjTable(t, "PROJ-009", []projCase{
		{name: "expiring token", spec: "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000000, exp: 1800000000, id: t1}]\n"},
		{name: "token without exp", spec: "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000000, exp: 1800000000}, {iat: 1700000000, id: forever}]\n",
			want: []string{"spec.roles[0].jwtTokens[1] audit"}, contains: `"forever"`},
	})
}
