package conformance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoproj/argo-cd/v3/util/assets"
)

// chainPolicy links bob to role:h1 .. role:hN and grants get on the last.
func chainPolicy(n int) string {
	var b strings.Builder
	prev := "bob"
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "g, %s, role:h%d\n", prev, i)
		prev = fmt.Sprintf("role:h%d", i)
	}
	fmt.Fprintf(&b, "p, %s, applications, get, */*, allow\n", prev)
	return b.String()
}

// TestVectors pins the documented corner cases of Argo CD's RBAC (see
// the facts notes) that the random corpus may hit only rarely: the answer
// is stated once and both Argo CD and argoguard must give it.
func TestVectors(t *testing.T) {
	get := Query{"bob", "applications", "get", "proj-a/app1"}
	tests := []struct {
		name      string
		data      map[string]string
		q         Query
		wantValid bool
		wantAllow bool
	}{
		{"no data: the built-in admin user", map[string]string{}, Query{"admin", "applications", "sync", "proj-a/app1"}, true, true},
		{"no data: nobody else", map[string]string{}, get, true, false},
		{"empty policy.csv with a default role", map[string]string{"policy.csv": "", "policy.default": "role:readonly"}, get, true, true},
		{"readonly cannot sync", map[string]string{"policy.default": "role:readonly"}, Query{"bob", "applications", "sync", "proj-a/app1"}, true, false},
		{"10 g hops reach the role", map[string]string{"policy.csv": chainPolicy(10)}, get, true, true},
		{"11 g hops do not", map[string]string{"policy.csv": chainPolicy(11)}, get, true, false},
		{"role cycle terminates and grants", map[string]string{"policy.csv": "g, bob, role:x\ng, role:x, role:y\ng, role:y, role:x\np, role:y, applications, get, */*, allow"}, get, true, true},
		{"self loop", map[string]string{"policy.csv": "g, bob, bob\np, bob, applications, get, */*, allow"}, get, true, true},
		{"subject * is not a wildcard", map[string]string{"policy.csv": "p, *, applications, get, */*, allow"}, get, true, false},
		{"subject * matches the literal *", map[string]string{"policy.csv": "p, *, applications, get, */*, allow"}, Query{"*", "applications", "get", "proj-a/app1"}, true, true},
		{"effect Allow does nothing", map[string]string{"policy.csv": "p, bob, applications, get, */*, Allow"}, get, true, false},
		{"inline comment spoils the effect", map[string]string{"policy.csv": "p, bob, applications, get, */*, allow # ticket 1"}, get, true, false},
		{"empty effect", map[string]string{"policy.csv": "p, bob, applications, get, */*, "}, get, true, false},
		{"deny beats an inherited allow", map[string]string{"policy.csv": "g, bob, role:admin\np, bob, applications, sync, */*, deny"}, Query{"bob", "applications", "sync", "proj-a/app1"}, true, false},
		{"default role cannot be denied", map[string]string{"policy.csv": "p, bob, applications, get, */*, deny", "policy.default": "role:readonly"}, get, true, true},
		{"default role with trailing space grants nothing", map[string]string{"policy.default": "role:readonly "}, get, true, false},
		{"missing default role grants nothing", map[string]string{"policy.default": "role:missing"}, get, true, false},
		{"custom default role", map[string]string{"policy.csv": "p, role:viewer, applications, get, proj-a/*, allow", "policy.default": "role:viewer"}, Query{"nobody", "applications", "get", "proj-a/app1"}, true, true},
		{"regex is unanchored", map[string]string{"policy.csv": "p, bob, applications, get, .*, allow", "policy.matchMode": "regex"}, Query{"bob", "applicationsets", "get", "x"}, true, true},
		{"regex mode breaks the built-in roles", map[string]string{"policy.matchMode": "regex"}, Query{"admin", "applications", "sync", "proj-a/app1"}, true, false},
		{"invalid regex breaks every request that reaches it", map[string]string{"policy.csv": "p, bob, (, get, .*, allow\np, bob, applications, get, .*, allow", "policy.matchMode": "regex"}, get, true, false},
		{"matchMode Regex is glob", map[string]string{"policy.csv": "p, bob, applications, get, */*, allow", "policy.matchMode": "Regex"}, get, true, true},
		{"invalid glob never matches but loads", map[string]string{"policy.csv": "p, bob, [abc, get, */*, allow\np, bob, applications, get, */*, allow"}, get, true, true},
		{"glob * crosses /", map[string]string{"policy.csv": "p, bob, applications, get, *, allow"}, get, true, true},
		{"quoted {get,sync}", map[string]string{"policy.csv": `p, bob, applications, "{get,sync}", */*, allow`}, Query{"bob", "applications", "sync", "proj-a/app1"}, true, true},
		{"unquoted {get,sync} has 7 fields", map[string]string{"policy.csv": `p, bob, applications, {get,sync}, */*, allow`}, get, false, false},
		{"quoted group with a comma", map[string]string{"policy.csv": `g, "grp, with comma", role:admin`}, Query{"grp, with comma", "applications", "sync", "p/a"}, true, true},
		{"bare quote", map[string]string{"policy.csv": `g, grp"x, role:admin`}, get, false, false},
		{"trailing blank kept in a field", map[string]string{"policy.csv": "g, bob , role:readonly"}, get, true, false},
		{"trailing blank subject matches itself", map[string]string{"policy.csv": "g, bob , role:readonly"}, Query{"bob ", "applications", "get", "p/a"}, true, true},
		{"trailing comma", map[string]string{"policy.csv": "g, bob, role:readonly,"}, get, false, false},
		{"type P", map[string]string{"policy.csv": "P, bob, applications, get, */*, allow"}, get, false, false},
		{"type p2", map[string]string{"policy.csv": "p2, bob, applications, get, */*, allow"}, get, false, false},
		{"r, e and m lines load", map[string]string{"policy.csv": "r, a, b, c, d\ne, foo\nm, foo\ng, bob, role:readonly"}, get, true, true},
		{"CRLF", map[string]string{"policy.csv": "# team\r\ng, bob, role:readonly\r\n\r\n"}, get, true, true},
		{"policy..csv is an overlay", map[string]string{"policy..csv": "g, bob, role:readonly"}, get, true, true},
		{"policy.default.csv is an overlay", map[string]string{"policy.default.csv": "g, bob, role:readonly"}, get, true, true},
		{"policy.csv.bak is not", map[string]string{"policy.csv.bak": "g, bob, role:readonly"}, get, true, false},
		{"a broken overlay breaks the policy", map[string]string{"policy.csv": "g, bob, role:readonly", "policy.z.csv": "p, x"}, get, false, false},
		{"glob with invalid UTF-8 never matches", map[string]string{"policy.csv": "p, bob, applications, get, caf\xe9/*, allow"}, Query{"bob", "applications", "get", "caf\xe9/x"}, true, false},
		{"literal with invalid UTF-8 never matches", map[string]string{"policy.csv": "p, bob, applications, get, caf\xe9, allow"}, Query{"bob", "applications", "get", "caf\xe9"}, true, false},
		{"glob a*a matches a (gobwas lets prefix and suffix overlap)", map[string]string{"policy.csv": "p, bob, applications, get, a*a, allow"}, Query{"bob", "applications", "get", "a"}, true, true},
		{"glob ab*ba matches aba", map[string]string{"policy.csv": "p, bob, applications, get, ab*ba, allow"}, Query{"bob", "applications", "get", "aba"}, true, true},
		{"glob a*a*a does not match aa", map[string]string{"policy.csv": "p, bob, applications, get, a*a*a, allow"}, Query{"bob", "applications", "get", "aa"}, true, false},
		{"case-sensitive subjects", map[string]string{"policy.csv": "g, Bob, role:readonly"}, get, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argoValid := ArgoValidate(tt.data) == nil
			p := rbac.Parse(tt.data)
			if argoValid != tt.wantValid {
				t.Fatalf("Argo CD valid = %v, the vector says %v: fix the vector", argoValid, tt.wantValid)
			}
			if p.Valid() != tt.wantValid {
				t.Fatalf("argoguard valid = %v (%v), Argo CD valid = %v", p.Valid(), p.Err(), argoValid)
			}
			if !tt.wantValid {
				return
			}
			argo, err := NewArgoCD(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got, panicked := argo.Enforce(tt.q); got != tt.wantAllow || panicked != nil {
				t.Fatalf("Argo CD Enforce%v = %v (panic: %v), the vector says %v: fix the vector", tt.q, got, panicked, tt.wantAllow)
			}
			e, err := rbac.NewEnforcer(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Enforce(tt.q.Sub, tt.q.Res, tt.q.Act, tt.q.Obj); got != tt.wantAllow {
				t.Errorf("argoguard Enforce%v = %v, Argo CD %v", tt.q, got, tt.wantAllow)
			}
		})
	}
}

// argoguard's copy of the built-in policy must hold exactly the lines of
// the one compiled into Argo CD v3.5 (comments aside), in the same order.
func TestBuiltinPolicyMatchesArgoCD(t *testing.T) {
	want := rbac.ParseCSV(assets.BuiltinPolicyCSV)
	if !want.Valid() {
		t.Fatalf("argoguard cannot read Argo CD's built-in policy: %v", want.Err())
	}
	got := rbac.Builtin()
	if len(got) != len(want.Lines) {
		t.Fatalf("argoguard's built-in policy has %d lines, Argo CD's %d", len(got), len(want.Lines))
	}
	for i, w := range want.Lines {
		g := got[i]
		if g.Type != w.Type || strings.Join(g.Fields, "|") != strings.Join(w.Fields, "|") {
			t.Errorf("built-in line %d: argoguard %s %q, Argo CD %s %q", i+1, g.Type, g.Fields, w.Type, w.Fields)
		}
	}
}
