package rbac

import (
	"fmt"
	"strings"
	"testing"
)

func mustEnforcer(t *testing.T, data map[string]string) *Enforcer {
	t.Helper()
	e, err := NewEnforcer(Parse(data))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestWhoCan(t *testing.T) {
	e := mustEnforcer(t, map[string]string{
		KeyPolicyCSV: "p, role:dev, applications, sync, team-a/*, allow\n" +
			"g, devs, role:dev\n" +
			"g, bob, role:dev\n" +
			"p, bob, applications, sync, team-a/secret, deny\n" +
			"p, lonely-group, applications, sync, */*, allow",
		KeyDefault: "role:readonly",
	})
	r := e.WhoCan("applications", "sync", "team-a/secret")
	got := map[string]Grant{}
	for _, g := range r.Subjects {
		got[g.Subject] = g
	}
	if _, ok := got["bob"]; ok {
		t.Error("bob is denied but listed")
	}
	devs, ok := got["devs"]
	if !ok || devs.Line.Where() != `data["policy.csv"] line 1` || len(devs.Via) != 1 || devs.Via[0].Line != 2 {
		t.Errorf("devs grant = %+v", devs)
	}
	if g := got["lonely-group"]; !g.IgnoredAsGroup {
		t.Errorf("lonely-group has no g line: the server ignores it as a group: %+v", g)
	}
	if g := got["role:dev"]; !g.Role {
		t.Errorf("role:dev should be marked as a role: %+v", g)
	}
	if _, ok := got["admin"]; !ok {
		t.Error("the built-in admin user can sync everything")
	}
	if r.Everyone {
		t.Error("role:readonly does not sync")
	}
	if r := e.WhoCan("applications", "get", "x/y"); !r.Everyone || r.DefaultGrant.Line.Key != BuiltinKey {
		t.Errorf("everyone may get through the default role: %+v", r)
	}
}

func TestPermissions(t *testing.T) {
	e := mustEnforcer(t, map[string]string{
		KeyPolicyCSV: "p, role:dev, applications, sync, team-a/*, allow\ng, devs, role:dev\np, devs, logs, get, team-a/*, allow",
		KeyDefault:   "role:readonly",
	})
	perms := e.Permissions("devs", true)
	if len(perms) != 2+10 {
		t.Fatalf("got %d permissions, want 2 own + 10 from role:readonly", len(perms))
	}
	if p := perms[0]; p.Action != "sync" || p.Line.Line != 1 || len(p.Via) != 1 || p.FromDefault {
		t.Errorf("first permission = %+v", p)
	}
	if p := perms[len(perms)-1]; !p.FromDefault || !p.Line.Builtin() {
		t.Errorf("last permission should come from the default role: %+v", p)
	}
	if n := len(e.Permissions("devs", false)); n != 2 {
		t.Errorf("without default: %d, want 2", n)
	}
}

func TestDiff(t *testing.T) {
	old := mustEnforcer(t, map[string]string{
		KeyPolicyCSV: "p, role:dev, applications, get, */*, allow\ng, devs, role:dev\np, ops, clusters, get, *, allow\ng, ops, role:readonly\np, devs, applications, sync, prod/*, deny",
	})
	cases := []struct {
		name string
		data map[string]string
		want []string
	}{
		{"same meaning, other text", map[string]string{
			KeyPolicyCSV:   "g, ops, role:readonly\np, ops, clusters, get, *, allow",
			"policy.b.csv": "p, devs, applications, sync, prod/*, deny\ng, devs, role:team\np, role:team, applications, get, */*, allow",
		}, nil},
		{"new grant and a lifted deny", map[string]string{
			KeyPolicyCSV: "p, role:dev, applications, get, */*, allow\np, role:dev, applications, sync, */*, allow\ng, devs, role:dev\np, ops, clusters, get, *, allow\ng, ops, role:readonly",
		}, []string{"devs gains sync applications */*", "devs is no longer denied sync applications prod/*"}},
		{"default role gives everyone admin", map[string]string{
			KeyPolicyCSV: "p, role:dev, applications, get, */*, allow\ng, devs, role:dev\np, ops, clusters, get, *, allow\ng, ops, role:readonly\np, devs, applications, sync, prod/*, deny",
			KeyDefault:   "role:admin",
		}, []string{EveryoneSubject + " gains sync applications */*"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Diff(old, mustEnforcer(t, tc.data))
			var got []string
			for _, c := range d.Changes {
				got = append(got, c.Describe())
			}
			joined := strings.Join(got, "\n")
			if tc.want == nil && len(got) != 0 {
				t.Fatalf("want no change, got:\n%s", joined)
			}
			for _, w := range tc.want {
				if !strings.Contains(joined, w) {
					t.Errorf("missing %q in:\n%s", w, joined)
				}
			}
		})
	}
}

func TestCycles(t *testing.T) {
	e := mustEnforcer(t, map[string]string{KeyPolicyCSV: "g, a, b\ng, b, c\ng, c, a\ng, d, d\ng, e, f\ng, x, a"})
	got := fmt.Sprint(e.Cycles())
	if want := "[[a b c] [d]]"; got != want {
		t.Fatalf("Cycles() = %s, want %s", got, want)
	}
	if c := mustEnforcer(t, map[string]string{}).Cycles(); len(c) != 0 {
		t.Fatalf("built-in policy has no cycle, got %v", c)
	}
}

func TestDiffRoles(t *testing.T) {
	old := mustEnforcer(t, map[string]string{KeyPolicyCSV: "g, devs, role:readonly\ng, ops, role:readonly"})
	new := mustEnforcer(t, map[string]string{KeyPolicyCSV: "g, devs, role:readonly\ng, ops, role:admin"})
	var got []string
	for _, r := range Diff(old, new).Roles {
		got = append(got, fmt.Sprintf("%s %v %s line %d", r.Subject, r.Gained, r.Role, r.Line.Line))
	}
	// ops gains role:admin directly; role:readonly still comes through it.
	if want := "[ops true role:admin line 2]"; fmt.Sprint(got) != want {
		t.Fatalf("roles = %v, want %s", got, want)
	}
}
