package rules

import "testing"

func TestPROJ003DeadObjects(t *testing.T) {
	line := func(l string) string { return "roles:\n- name: dev\n  policies: ['" + l + "']\n" }
	runProjTable(t, "PROJ-003", []projCase{
		{name: "own applications", spec: line("p, proj:team-a:dev, applications, sync, team-a/*, allow")},
		{name: "apps in any namespace", spec: line("p, proj:team-a:dev, applications, get, team-a/ns/app, allow")},
		{name: "wildcard object is alive", spec: line("p, proj:team-a:dev, applications, get, *, allow")},
		{name: "glob over projects", spec: line("p, proj:team-a:dev, applications, get, team-*/*, allow")},
		{name: "the project itself", spec: line("p, proj:team-a:dev, projects, update, team-a, allow")},
		{name: "every resource", spec: line("p, proj:team-a:dev, *, get, team-a/*, allow")},
		{name: "another project", spec: line("p, proj:team-a:dev, applications, sync, team-b/*, allow"),
			want: []string{"spec.roles[0].policies[0] deny"}, contains: "team-a/<app>"},
		{name: "the guide's /*", spec: line("p, proj:team-a:dev, applications, get, /*, allow"),
			want: []string{"spec.roles[0].policies[0] deny"}},
		{name: "another project object", spec: line("p, proj:team-a:dev, projects, get, team-b, allow"),
			want: []string{"spec.roles[0].policies[0] deny"}},
		{name: "not project-scoped", spec: line("p, proj:team-a:dev, certificates, get, *, allow"),
			want: []string{"spec.roles[0].policies[0] deny"}, contains: "argocd-rbac-cm"},
		{name: "regex mode is not judged", spec: line("p, proj:team-a:dev, applications, sync, team-b/.*, allow"),
			rbac: with(csv("p, role:x, applications, get, .*, allow"), "policy.matchMode", "regex")},
	})
}

func TestPROJ008WildcardObjects(t *testing.T) {
	line := func(l string) string { return "roles:\n- name: dev\n  policies: ['" + l + "']\n" }
	runProjTable(t, "PROJ-008", []projCase{
		{name: "own prefix", spec: line("p, proj:team-a:dev, applications, sync, team-a/*, allow")},
		{name: "star", spec: line("p, proj:team-a:dev, applications, sync, *, allow"),
			want: []string{"spec.roles[0].policies[0] warn"}, contains: "team-a/*"},
		{name: "star slash star", spec: line("p, proj:team-a:dev, applications, sync, */*, allow"),
			want: []string{"spec.roles[0].policies[0] warn"}},
		{name: "dead lines are PROJ-003's", spec: line("p, proj:team-a:dev, applications, sync, team-b/*, allow")},
		{name: "projects object", spec: line("p, proj:team-a:dev, projects, get, *, allow")},
	})
}

func TestMayMatchPrefix(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    bool
	}{
		{"team-a/*", true}, {"team-a/app", true}, {"*", true}, {"t*", true}, {"team-a", false},
		{"team-b/*", false}, {"/*", false}, {"team-a/[ab]*", true}, {"team-ab/*", false}, {`team-\a/*`, true},
	} {
		if got := mayMatchPrefix(tc.pattern, "team-a/"); got != tc.want {
			t.Errorf("mayMatchPrefix(%q) = %v, want %v", tc.pattern, got, tc.want)
		}
	}
}
