package wfrbac

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// The order checks search for users that tell rules apart. The users are
// built from the string literals of the rules involved; the search is
// bounded and can miss a witness, so what it finds is only ever a warning.
const (
	maxLiterals = 12
	someExpiry  = 4102444800 // a fixed future time; rules rarely test exp
)

// fullEnv has every claim argo-server can re-issue, with the types it gives.
func fullEnv() map[string]any {
	env, _ := Claims{Subject: "s", Groups: []string{"g"}, Email: "e", Name: "n", PreferredUsername: "p",
		ServiceAccountName: "a", ServiceAccountNamespace: "ns", Expiry: someExpiry}.Env()
	return env
}

// stringLiterals returns up to maxLiterals distinct string literals of rule.
func stringLiterals(rule string) []string {
	tree, err := parser.Parse(rule)
	if err != nil {
		return nil
	}
	v := &literalCollector{seen: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	return v.out
}

type literalCollector struct {
	seen map[string]bool
	out  []string
}

func (v *literalCollector) Visit(node *ast.Node) {
	s, ok := (*node).(*ast.StringNode)
	if !ok || v.seen[s.Value] || len(v.out) >= maxLiterals {
		return
	}
	v.seen[s.Value] = true
	v.out = append(v.out, s.Value)
}

// users is the bounded set of claims tried for a group of rules: a user
// with no optional claim, and for each literal (and a neutral value) a user
// whose every string claim is that literal, with groups none, just it, or
// all literals.
func users(rules ...string) []Claims {
	var lits []string
	seen := map[string]bool{}
	for _, r := range rules {
		for _, l := range stringLiterals(r) {
			if !seen[l] && len(lits) < maxLiterals {
				seen[l] = true
				lits = append(lits, l)
			}
		}
	}
	out := []Claims{{Expiry: someExpiry}}
	for _, l := range append(lits, "user") {
		for _, groups := range [][]string{nil, {l}, lits} {
			out = append(out, Claims{Subject: l, Groups: groups, Email: l, Name: l, PreferredUsername: l, Expiry: someExpiry})
		}
	}
	return out
}

func verdict(rule string, c Claims) Verdict {
	env, err := c.Env()
	if err != nil {
		return Fail
	}
	v, _ := Evaluate(rule, env)
	return v
}

// tieWitness looks for a user for whom both rules answer, so that which
// of the two decides depends on argo-server's order.
func tieWitness(a, b Account) (string, bool) {
	for _, u := range users(a.Rule, b.Rule) {
		va, vb := verdict(a.Rule, u), verdict(b.Rule, u)
		switch {
		case va == Match && vb == Match:
			return "both match " + describe(u), true
		case va == Match && vb == Fail, va == Fail && vb == Match:
			return "for " + describe(u) + " one matches and the other fails, so the login succeeds or fails by request", true
		}
	}
	return "", false
}

// catchAll is whether the rule is true for every user tried, the user
// without optional claims included.
func catchAll(a Account) bool {
	for _, u := range users(a.Rule) {
		if verdict(a.Rule, u) != Match {
			return false
		}
	}
	return true
}

// failsForSome says for which user the rule fails, if it fails for one of
// the users tried: first each optional claim left out, then the literal users.
func failsForSome(a Account) (string, bool) {
	base := Claims{Subject: "s", Groups: []string{"g"}, Email: "e", Name: "n", PreferredUsername: "p", Expiry: someExpiry}
	drops := []struct {
		claim string
		drop  func(*Claims)
	}{
		{"groups", func(c *Claims) { c.Groups = nil }},
		{"email", func(c *Claims) { c.Email = "" }},
		{"name", func(c *Claims) { c.Name = "" }},
		{"preferred_username", func(c *Claims) { c.PreferredUsername = "" }},
		{"sub", func(c *Claims) { c.Subject = "" }},
	}
	var missing []string
	for _, d := range drops {
		c := base
		d.drop(&c)
		if verdict(a.Rule, c) == Fail {
			missing = append(missing, d.claim)
		}
	}
	if len(missing) > 0 {
		return "for users without a " + strings.Join(missing, " or ") + " claim (argo-server drops empty claims)", true
	}
	if verdict(a.Rule, base) == Fail {
		return "for users without a service_account_name claim", true
	}
	for _, u := range users(a.Rule) {
		if verdict(a.Rule, u) == Fail {
			return "for " + describe(u), true
		}
	}
	return "", false
}

func describe(c Claims) string {
	var parts []string
	if c.Subject != "" {
		parts = append(parts, fmt.Sprintf("sub=%q", c.Subject))
	}
	if c.Email != "" {
		parts = append(parts, fmt.Sprintf("email=%q", c.Email))
	}
	if len(c.Groups) > 0 {
		parts = append(parts, fmt.Sprintf("groups=%q", c.Groups))
	}
	if len(parts) == 0 {
		return "a user with no optional claim"
	}
	return "a user with " + strings.Join(parts, " ")
}
