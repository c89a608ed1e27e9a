package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// AppProjects and rbac-rule ServiceAccounts written as Argo CD's and Argo
// Workflows' documentation shows them work: the catalogue must not deny
// them, and warns only where named.
func TestWorkingProjectsAndAccountsAreNotDenied(t *testing.T) {
	cases := []struct {
		name     string
		projects map[string]string // name -> spec
		accounts []*policy.Object
		settings string
		warns    []string
	}{
		{name: "CI role with an expiring token and a group", projects: map[string]string{"my-project": `
roles:
- name: ci-role
  description: Sync privileges for my-project
  policies:
  - p, proj:my-project:ci-role, applications, sync, my-project/*, allow
  - p, proj:my-project:ci-role, applications, get, my-project/*, allow
  groups: [` + devsID + `]
  jwtTokens: [{iat: 1700000000, exp: 1900000000, id: ci}]`}, settings: awsSettings},
		{name: "every project-scoped resource, apps in any namespace", projects: map[string]string{"team": `
roles:
- name: ops
  policies:
  - p, proj:team:ops, applications, action/*, team/*, allow
  - p, proj:team:ops, applications, get, team/ns-a/*, allow
  - p, proj:team:ops, applicationsets, get, team/*, allow
  - p, proj:team:ops, logs, get, team/*, allow
  - p, proj:team:ops, exec, create, team/*, allow
  - p, proj:team:ops, repositories, get, team/*, allow
  - p, proj:team:ops, clusters, get, team/*, allow
  - p, proj:team:ops, projects, get, team, allow
  - p, proj:team:ops, applications, delete, team/prod-*, deny
  groups: [my-org:ops]`}},
		{name: "two projects with same-named roles", projects: map[string]string{
			"a": "roles:\n- name: dev\n  policies: ['p, proj:a:dev, applications, get, a/*, allow']\n  groups: [devs]\n",
			"b": "roles:\n- name: dev\n  policies: ['p, proj:b:dev, applications, get, b/*, allow']\n  groups: [devs]\n"}},
		{name: "Workflows documentation accounts", accounts: []*policy.Object{
			sa("admin-user", "'admin' in groups", "1"), sa("read-only", "true", "0"), sa("argo-server", noRule, ""),
		}, warns: []string{"WFSA-006"}},
		{name: "accounts with tolerant rules and IDs", accounts: []*policy.Object{
			sa("admin", "'"+adminsID+"' in get($env, 'groups')", "10"),
			sa("dev", "any(get($env, 'groups') ?? [], {# == '"+devsID+"'})", "5"),
			sa("viewer", "true", "0"),
		}, settings: awsSettings},
		{name: "e-mail rule above a catch-all", accounts: []*policy.Object{
			sa("alice", "email == 'alice@example.com'", "2"), sa("viewer", "true", "0"),
		}, warns: []string{"WFSA-006"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &policy.Snapshot{Settings: settingsFrom(t, tc.settings), ServiceAccounts: tc.accounts}
			for name, spec := range tc.projects {
				s.Projects = append(s.Projects, appProject(t, name, spec))
			}
			fs, err := evaluate(s)
			if err != nil {
				t.Fatal(err)
			}
			assertNotDenied(t, fs, tc.warns)
		})
	}
}
