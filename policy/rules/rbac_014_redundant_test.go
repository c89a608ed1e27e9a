package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
)

func TestRBAC014Redundant(t *testing.T) {
	runTable(t, "RBAC-014", []ruleCase{
		{name: "clean", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\ng, ops, role:admin")},
		{name: "duplicate", data: csv("p, role:dev, applications, get, */*, allow\n\np,role:dev,applications,get,*/*,allow"), lines: []int{3}, contains: `repeats data["policy.csv"] line 1`},
		{name: "extends built-in role", data: csv("p, role:readonly, applications, sync, */*, allow"), lines: []int{1}, contains: "extends built-in role:readonly"},
		{name: "g on built-in role", data: csv("g, role:readonly, role:dev\np, role:dev, clusters, get, *, allow"), lines: []int{1}},
		// A g line to a role without permissions changes nothing (RBAC-005 calls it dead).
		{name: "dead g line on a built-in role", data: csv(`g, role:admin, "*"`)},
		{name: "allow inside a wider allow", data: csv("p, role:dev, applications, get, */*, allow\np, role:dev, applications, get, team-a/*, allow"), lines: []int{2}, contains: `shadowed by data["policy.csv"] line 1`},
		{name: "allow inside a deny", data: csv("p, role:dev, applications, sync, team-a/prod, allow\np, role:dev, applications, sync, team-a/*, deny"), lines: []int{1}, contains: "never takes effect"},
		{name: "different subjects do not shadow", data: csv("p, role:dev, applications, get, */*, allow\np, role:ops, applications, get, team-a/*, allow")},
		// Shadowed only when certain: coverage is proven, not read off the text.
		{name: "a? does not shadow a* (a? matches the text a*, not abc)", data: csv("p, role:dev, applications, get, a?, allow\np, role:dev, applications, get, a*, allow")},
		{name: "an escaped star does not shadow *", data: csv("p, role:dev, applications, get, \\*, allow\np, role:dev, applications, get, *, allow")},
		{name: "a literal inside a ? glob is shadowed", data: csv("p, role:dev, applications, get, a?, allow\np, role:dev, applications, get, ab, allow"), lines: []int{2}, contains: `shadowed by data["policy.csv"] line 1`},
		{name: "a longer prefix is shadowed", data: csv("p, role:dev, applications, get, team-*, allow\np, role:dev, applications, get, team-a*, allow"), lines: []int{2}},
		{name: "a shorter prefix is not", data: csv("p, role:dev, applications, get, team-a*, allow\np, role:dev, applications, get, team-*, allow"), lines: []int{1}},
		{name: "a ? glob inside * is not proven: not reported", data: csv("p, role:dev, applications, get, */*, allow\np, role:dev, applications, get, team-?/*, allow")},
		{name: "same meaning written twice: only the later line", data: csv("p, role:dev, applications, get, *, allow\np, role:dev, applications, get, **, allow"), lines: []int{2}, contains: "line 1"},
		{name: "a deny covering a prefix", data: csv("p, role:dev, applications, sync, team-a*, allow\np, role:dev, applications, sync, team-*, deny"), lines: []int{1}, contains: "never takes effect"},
		{name: "regex: an anchored literal inside .*", data: with(csv("p, role:dev, applications, get, .*, allow\np, role:dev, applications, get, ^prod/a$, allow"), "policy.matchMode", "regex"), lines: []int{2}},
		{name: "regex: a regex inside a regex is not proven", data: with(csv("p, role:dev, applications, get, prod/.*, allow\np, role:dev, applications, get, prod/a.*, allow"), "policy.matchMode", "regex")},
		{name: "cycle", data: csv("g, role:a, role:b\ng, role:b, role:a\np, role:a, applications, get, */*, allow"), lines: []int{1}, contains: "role cycle"},
	})
}

// One finding per kind of problem, listing its lines, not one per line.
func TestRBAC014Grouped(t *testing.T) {
	runTable(t, "RBAC-014", []ruleCase{
		{name: "three duplicates, one finding", data: csv("p, role:dev, applications, get, */*, allow\ng, devs, role:dev\n" +
			"p, role:dev, applications, get, */*, allow\ng, devs, role:dev\ng, devs, role:dev"),
			lines: []int{3}, contains: "lines 3-5 repeat earlier lines"},
		{name: "built-in roles extended on several lines", data: csv("p, role:readonly, applications, sync, */*, allow\n" +
			"p, role:dev, applications, get, */*, allow\np, role:readonly, logs, get, */*, allow\np, role:admin, exec, create, */*, allow"),
			lines: []int{1}, contains: "lines 1, 3-4 extend built-in role:readonly, role:admin"},
		{name: "two shadowed lines, one finding", data: csv("p, role:dev, applications, get, */*, allow\n" +
			"p, role:dev, applications, get, team-a/*, allow\np, role:dev, applications, get, team-b/*, allow"),
			lines: []int{2}, contains: "lines 2-3 are shadowed"},
	})
	fs := run(t, "RBAC-014", rbacSnap(t, csv("p, role:dev, applications, get, */*, allow\n"+
		"p, role:dev, applications, get, team-a/*, allow\np, role:dev, applications, get, team-b/*, allow"), ""))
	if len(fs) != 1 || !strings.Contains(fs[0].Detail, `data["policy.csv"] line 3: shadowed by data["policy.csv"] line 1`) {
		t.Errorf("the grouped finding must list each line with its reason: %+v", fs)
	}
}

// TestRBAC014ShadowedLinesChangeNothing: for every pair of patterns in one
// field (glob and regex, allow and deny), each line RBAC-014 calls shadowed
// or ineffective must be removable without changing any decision of the
// enforcer (which test/conformance checks against Argo CD) on values around
// both patterns. And some pairs must be reported, or the check proves
// nothing.
func TestRBAC014ShadowedLinesChangeNothing(t *testing.T) {
	pools := map[string][]string{
		"glob":  {"*", "**", "*/*", "a*", "ab*", "*a", "a*a", "*a*", "*b*", "a?", "?", "ab", "a", "", "[ab]*", "{a,b}*", `\*`, "a**", "aa{{", "p/*", "p/a"},
		"regex": {".*", "", "a", "ab", "^a$", "^ab$", "a.", "^a", "(", "a|b", "p/.*", "^p/a$"},
	}
	reported := 0
	for mode, pats := range pools {
		var values []string
		for _, p := range pats {
			for _, r := range []string{"", "a", "b/", "ab", "*"} {
				values = append(values, strings.ReplaceAll(p, "*", r), strings.Trim(p, "^$"))
			}
		}
		for _, w := range pats {
			for _, n := range pats {
				for _, eff := range []string{"allow", "deny"} {
					lines := []string{
						fmt.Sprintf("p, role:x, applications, get, %s, %s", csvField(w), eff),
						fmt.Sprintf("p, role:x, applications, get, %s, allow", csvField(n)),
						"g, bob, role:x",
					}
					data := csv(strings.Join(lines, "\n"))
					if mode == "regex" {
						data["policy.matchMode"] = "regex"
					}
					for _, f := range run(t, "RBAC-014", rbacSnap(t, data, "")) {
						if !strings.Contains(f.Message, "shadowed") && !strings.Contains(f.Message, "never takes effect") {
							continue
						}
						reported++
						rest := slices.Delete(slices.Clone(lines), f.Location.Line-1, f.Location.Line)
						without := maps.Clone(data)
						without["policy.csv"] = strings.Join(rest, "\n")
						before, err1 := rbac.NewEnforcer(rbac.Parse(data))
						after, err2 := rbac.NewEnforcer(rbac.Parse(without))
						if err1 != nil || err2 != nil {
							t.Fatal(err1, err2)
						}
						for _, v := range values {
							if b, a := before.Enforce("bob", "applications", "get", v), after.Enforce("bob", "applications", "get", v); b != a {
								t.Errorf("%s %q: %s, but without it get %q goes %v -> %v", mode, lines, f.Short(), v, b, a)
								break
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d lines reported shadowed or ineffective, each removable without a change", reported)
	if reported < 50 {
		t.Errorf("only %d lines reported shadowed over the pairs", reported)
	}
}

func csvField(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
