package rbac

import "testing"

type claimsQuery struct {
	claims        Claims
	res, act, obj string
	want          bool
}

// Facts of argocd-server's RBAC with AppProjects (server/rbacpolicy
// rbacpolicy.go EnforceClaims and getProjectFromRequest; util/rbac rbac.go
// enforce and tryGetCasbinEnforcer). test/conformance holds ProjectEnforcer
// to Argo CD's own code on generated cases.
func TestProjectEnforcerArgoCDFacts(t *testing.T) {
	const group = "9067b2d4-4031-70fd-4a94-2a4c12e6fca8"
	dev := func(policies []string, groups ...string) *AppProject {
		return &AppProject{Name: "team-a", Roles: []ProjectRole{{Name: "dev", Policies: policies, Groups: groups}}}
	}
	teamB := &AppProject{Name: "team-b", Roles: []ProjectRole{{Name: "ci", Policies: []string{"p, proj:team-b:ci, applications, sync, team-b/*, allow"}}}}
	alice := Claims{Sub: "alice", Groups: []string{group}}
	cases := []struct {
		name     string
		data     map[string]string
		projects []*AppProject
		q        []claimsQuery
	}{
		{"a role's groups get its policies for that project only",
			nil, []*AppProject{dev([]string{"p, proj:team-a:dev, applications, sync, team-a/*, allow"}, group), teamB},
			[]claimsQuery{
				{alice, "applications", "sync", "team-a/web", true},
				{alice, "applications", "sync", "team-a/ns/web", true}, // apps in any namespace: first segment
				{alice, "projects", "get", "team-a", true},             // every role may get its project
				{alice, "applications", "sync", "team-b/web", false},
				{alice, "projects", "get", "team-b", false},
				{alice, "applications", "sync", "team-a", false}, // no "/": not a project request
				{Claims{Sub: "bob"}, "applications", "sync", "team-a/web", false},
			}},
		{"role policies are loaded unvalidated: g, x, role:admin makes x admin in the project",
			nil, []*AppProject{dev([]string{"g, x, role:admin"}), teamB},
			[]claimsQuery{
				{Claims{Sub: "x"}, "applications", "delete", "team-a/web", true},
				{Claims{Sub: "x"}, "projects", "delete", "team-a", true},
				{Claims{Sub: "x"}, "clusters", "update", "team-a/https://kubernetes.default.svc", true},
				{Claims{Sub: "x"}, "logs", "get", "team-a/web", true},
				{Claims{Sub: "x"}, "applications", "delete", "team-b/web", false},
				{Claims{Sub: "x"}, "accounts", "update", "x", false}, // not project-scoped
				{Claims{Groups: []string{"x"}}, "applications", "delete", "team-a/web", true},
			}},
		{"one invalid line and the project's role policies are all ignored",
			nil, []*AppProject{dev([]string{"p, proj:team-a:dev, applications, sync, team-a/*, allow", "p, too, few"}, group)},
			[]claimsQuery{
				{alice, "applications", "sync", "team-a/web", false},
				{alice, "projects", "get", "team-a", false},
			}},
		{"a group is tried only if a g line names it; a role's groups count inside its project",
			map[string]string{"policy.csv": "p, " + group + ", applications, get, */*, allow"},
			[]*AppProject{dev(nil, group)},
			[]claimsQuery{
				{alice, "applications", "get", "team-a/web", true},
				{alice, "applications", "get", "team-b/web", false},
			}},
		{"a project token acts only in its own project",
			map[string]string{"policy.csv": "p, proj:team-a:dev, applications, get, team-b/*, allow\np, proj:team-a:dev, accounts, get, *, allow"},
			[]*AppProject{dev([]string{"p, proj:team-a:dev, applications, sync, team-a/*, allow"}), teamB},
			[]claimsQuery{
				{Claims{Sub: "proj:team-a:dev"}, "applications", "sync", "team-a/web", true},
				{Claims{Sub: "proj:team-a:dev"}, "projects", "get", "team-a", true},
				{Claims{Sub: "proj:team-a:dev"}, "applications", "get", "team-b/web", false},                               // team-b is known: refused
				{Claims{Sub: "proj:team-a:dev"}, "applications", "get", "team-c/web", false},                               // unknown: global, no match
				{Claims{Sub: "proj:team-a:dev"}, "accounts", "get", "a", true},                                             // not project-scoped: global
				{Claims{Sub: "proj:team-a:dev", Groups: []string{"admin"}}, "applications", "delete", "team-a/web", false}, // groups unused
			}},
		{"federated_claims.user_id takes precedence over sub",
			map[string]string{"policy.csv": "g, carol, role:admin"}, nil,
			[]claimsQuery{
				{Claims{Sub: "Cg5jYXJvbBIEc2FtbA", FederatedUserID: "carol"}, "applications", "sync", "p/a", true},
				{Claims{Sub: "carol", FederatedUserID: "dave"}, "applications", "sync", "p/a", false},
			}},
		{"the empty subject grants everyone, past a project deny",
			map[string]string{"policy.csv": "p, , applications, get, */*, allow"},
			[]*AppProject{dev([]string{"p, proj:team-a:dev, applications, get, team-a/*, deny"}, group)},
			[]claimsQuery{{alice, "applications", "get", "team-a/web", true}}},
		{"denies are per subject; for one group a project deny beats a global allow",
			map[string]string{"policy.csv": "g, g-ops, role:admin\ng, " + group + ", role:admin"},
			[]*AppProject{dev([]string{"p, proj:team-a:dev, applications, delete, team-a/*, deny"}, group)},
			[]claimsQuery{
				{alice, "applications", "delete", "team-a/web", false},
				{alice, "applications", "delete", "team-b/web", true},
				{Claims{Sub: "alice", Groups: []string{group, "g-ops"}}, "applications", "delete", "team-a/web", true},
			}},
		{"the default role reads the project's policies too",
			map[string]string{"policy.default": "role:dev"},
			[]*AppProject{dev([]string{"p, role:dev, applications, sync, team-a/*, allow"})},
			[]claimsQuery{
				{Claims{Sub: "anyone"}, "applications", "sync", "team-a/web", true},
				{Claims{Sub: "anyone"}, "applications", "sync", "team-b/web", false},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pe := NewProjectEnforcer(mustEnforcer(t, c.data), c.projects)
			for _, q := range c.q {
				if got := pe.Enforce(q.claims, q.res, q.act, q.obj); got != q.want {
					t.Errorf("Enforce(%+v, %s, %s, %s) = %v, want %v", q.claims, q.res, q.act, q.obj, got, q.want)
				}
			}
		})
	}
}

func TestProjectPolicyErrors(t *testing.T) {
	pe := NewProjectEnforcer(mustEnforcer(t, nil), []*AppProject{{Name: "a", Roles: []ProjectRole{{Name: "r", Policies: []string{"p, x", "g, ok, role:admin"}}}}})
	errs := pe.ProjectPolicyErrors("a")
	if len(errs) != 1 || errs[0].Key != "project:a" || errs[0].Line != 2 {
		t.Fatalf("errors %v", errs)
	}
	if pe.ForProject("a") != pe.Global() {
		t.Error("an invalid project must fall back to the global policy")
	}
}

func TestRequestProject(t *testing.T) {
	cases := []struct {
		res, obj, want string
		ok             bool
	}{
		{"applications", "p/app", "p", true},
		{"applicationsets", "p/ns/set", "p", true},
		{"logs", "p/app", "p", true},
		{"exec", "p/app", "p", true},
		{"repositories", "p/https://git.example/r", "p", true},
		{"clusters", "p/https://k8s", "p", true},
		{"clusters", "https://k8s", "https:", true}, // Argo CD splits on the first "/" whatever the object
		{"applications", "p", "", false},
		{"applications", "/app", "", true},
		{"projects", "p", "p", true},
		{"projects", "p/x", "p/x", true},
		{"accounts", "p/x", "", false},
		{"certificates", "p/x", "", false},
	}
	for _, c := range cases {
		if got, ok := RequestProject(c.res, c.obj); got != c.want || ok != c.ok {
			t.Errorf("RequestProject(%q, %q) = %q, %v; want %q, %v", c.res, c.obj, got, ok, c.want, c.ok)
		}
	}
}

func TestClaimsFromMap(t *testing.T) {
	c := ClaimsFromMap(map[string]any{
		"sub": "Cg5", "federated_claims": map[string]any{"user_id": "carol"},
		"groups": []any{"a", 3, "b"}, "email": "c@example.com",
	}, []string{"groups", "email"})
	if c.UserID() != "carol" || len(c.Groups) != 3 || c.Groups[2] != "c@example.com" {
		t.Errorf("got %+v", c)
	}
	if c := ClaimsFromMap(map[string]any{"sub": "s", "federated_claims": map[string]any{"user_id": ""}, "groups": "one"}, nil); c.UserID() != "s" || len(c.Groups) != 1 {
		t.Errorf("got %+v", c)
	}
}
