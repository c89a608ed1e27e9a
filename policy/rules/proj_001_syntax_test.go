package rules

import "testing"

func TestPROJ001Syntax(t *testing.T) {
	runProjTable(t, "PROJ-001", []projCase{
		{name: "valid roles", spec: `
roles:
- name: dev
  policies: ["p, proj:team-a:dev, applications, sync, team-a/*, allow", "# a note", ""]`},
		{name: "p line with 5 fields", spec: `
roles:
- name: dev
  policies: ["p, proj:team-a:dev, applications, sync, team-a/*, allow", "p, proj:team-a:dev, applications, get, team-a/*"]`,
			want: []string{"spec.roles[0].policies[1] deny"}, contains: "6"},
		{name: "bad quoting in a second role", spec: `
roles:
- name: dev
- name: ops
  policies: ['p, proj:team-a:ops, applications, "get, team-a/*, allow']`,
			want: []string{"spec.roles[1].policies[0] deny"}, contains: "drop all"},
		{name: "an entry holding two lines, one bad", spec: `
roles:
- name: dev
  policies: ["p, proj:team-a:dev, applications, get, team-a/*, allow\ng, x"]`,
			want: []string{"spec.roles[0].policies[0] deny"}},
		{name: "r line loads and does nothing", spec: `
roles:
- name: dev
  policies: ["r, sub, obj, act"]`,
			want: []string{"spec.roles[0].policies[0] warn"}},
		{name: "a group with a comma breaks the generated g line", spec: `
roles:
- name: dev
  policies: ["p, proj:team-a:dev, applications, sync, team-a/*, allow"]
  groups: ["ok", "team, a"]`,
			want: []string{"spec.roles[0].groups[1] deny"}, contains: "comma"},
		{name: "a role name with a quote", spec: `
roles:
- name: 'd"ev'`,
			want: []string{"spec.roles[0].name deny"}},
		{name: "wrong types", spec: `
roles:
- name: dev
  policies: "p, proj:team-a:dev, applications, get, team-a/*, allow"
  groups: [1]`,
			want: []string{"spec.roles[0].groups[0] deny", "spec.roles[0].policies deny"}},
	})
}
