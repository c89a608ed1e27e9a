package rbac

import (
	"strings"
	"testing"
)

// ProjectPolicies must equal Argo CD's AppProject.ProjectPoliciesString
// (pkg/apis/application/v1alpha1/app_project_types.go); test/conformance
// compares it with Argo CD's own function on generated projects.
func TestProjectPolicies(t *testing.T) {
	cases := []struct {
		name string
		p    AppProject
		want string
	}{
		{"no roles", AppProject{Name: "a"}, ""},
		{"role without policies still gets the project", AppProject{Name: "a", Roles: []ProjectRole{{Name: "ci"}}},
			"p, proj:a:ci, projects, get, a, allow"},
		{"policies verbatim, then groups", AppProject{Name: "team-a", Roles: []ProjectRole{{
			Name:     "dev",
			Policies: []string{"p, proj:team-a:dev, applications, sync, team-a/*, allow", "g, x, role:admin", "  # kept as written"},
			Groups:   []string{"9067b2d4-4031-70fd-4a94-2a4c12e6fca8", "Team A"},
		}}}, "p, proj:team-a:dev, projects, get, team-a, allow\n" +
			"p, proj:team-a:dev, applications, sync, team-a/*, allow\ng, x, role:admin\n  # kept as written\n" +
			"g, 9067b2d4-4031-70fd-4a94-2a4c12e6fca8, proj:team-a:dev\ng, Team A, proj:team-a:dev"},
		{"roles in order", AppProject{Name: "p", Roles: []ProjectRole{{Name: "b", Groups: []string{"g"}}, {Name: "a"}}},
			"p, proj:p:b, projects, get, p, allow\ng, g, proj:p:b\np, proj:p:a, projects, get, p, allow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ProjectPolicies(&c.p); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestParseAppProjectYAML(t *testing.T) {
	p, err := ParseAppProjectYAML([]byte(`
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
  namespace: argocd
spec:
  roles:
  - name: dev
    description: developers
    policies:
    - p, proj:team-a:dev, applications, sync, team-a/*, allow
    groups: [9067b2d4-4031-70fd-4a94-2a4c12e6fca8]
    jwtTokens:
    - iat: 1700000000
      id: 4f3c
    - iat: 1700000000
      exp: 1800000000
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "team-a" || p.Namespace != "argocd" || len(p.Roles) != 1 {
		t.Fatalf("got %+v", p)
	}
	r := p.Roles[0]
	if r.Name != "dev" || len(r.Policies) != 1 || len(r.Groups) != 1 || len(r.JWTTokens) != 2 {
		t.Fatalf("role %+v", r)
	}
	if r.JWTTokens[0].ExpiresAt != 0 || r.JWTTokens[0].ID != "4f3c" || r.JWTTokens[1].ExpiresAt != 1800000000 {
		t.Errorf("tokens %+v", r.JWTTokens)
	}
}

// Bad input: every problem at once, each naming its field path.
func TestDecodeAppProjectErrors(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []string // substrings, one per expected error
	}{
		{"wrong kind and no name", "kind: Application\nmetadata: {}", []string{"kind: Invalid value", "metadata.name: Required value"}},
		{"no metadata", "spec: {}", []string{"metadata.name: Required value"}},
		{"metadata not an object", "metadata: x", []string{"metadata: Invalid value: \"a string\": must be an object"}},
		{"name not a string", "metadata: {name: 3}", []string{"metadata.name: Invalid value: \"a number\": must be a string"}},
		{"roles not a list", "metadata: {name: a}\nspec: {roles: {}}", []string{"spec.roles: Invalid value: \"an object\": must be a list"}},
		{"every bad field named", `
metadata: {name: a}
spec:
  roles:
  - name: dev
    policies: ["p, proj:a:dev, applications, get, a/*, allow", 7, [x]]
    groups: g
  - 12
  - name: [x]
    jwtTokens: [{iat: x, exp: 1.5}, 3]
`, []string{
			"spec.roles[0].policies[1]: Invalid value: \"a number\"",
			"spec.roles[0].policies[2]: Invalid value: \"a list\"",
			"spec.roles[0].groups: Invalid value: \"a string\": must be a list",
			"spec.roles[1]: Invalid value: \"a number\": must be an object",
			"spec.roles[2].name: Invalid value: \"a list\"",
			"spec.roles[2].jwtTokens[0].iat: Invalid value: \"a string\"",
			"spec.roles[2].jwtTokens[0].exp: Invalid value: \"a number\": must be an integer",
			"spec.roles[2].jwtTokens[1]: Invalid value: \"a number\": must be an object",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseAppProjectYAML([]byte(c.doc))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), ": Invalid value") + strings.Count(err.Error(), ": Required value"); n != len(c.want) {
				t.Errorf("%d errors, want %d:\n%v", n, len(c.want), err)
			}
		})
	}
	for _, doc := range []string{"", "null", "- a", "x: [", "\t"} {
		if _, err := ParseAppProjectYAML([]byte(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

func FuzzParseAppProjectYAML(f *testing.F) {
	f.Add("metadata: {name: a}\nspec: {roles: [{name: r, policies: [x], groups: [g], jwtTokens: [{iat: 1, exp: 2}]}]}")
	f.Add("kind: AppProject\nmetadata: {name: a}\nspec: {roles: [1, {name: [x]}]}")
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParseAppProjectYAML([]byte(doc))
		if err != nil {
			if p != nil {
				t.Fatal("project and error")
			}
			return
		}
		if p.Name == "" {
			t.Fatal("accepted a project without a name")
		}
		// The policy text of any decoded project loads into an enforcer or
		// reports its lines; never a panic.
		pe := NewProjectEnforcer(mustEnforcer(t, map[string]string{}), []*AppProject{p})
		pe.ForProject(p.Name)
		pe.Enforce(Claims{Sub: "alice", Groups: []string{"g"}}, "applications", "get", p.Name+"/x")
	})
}
