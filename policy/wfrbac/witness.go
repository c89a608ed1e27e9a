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

// verdicts gives the rules' verdicts for one user, from one environment.
func (e *Evaluator) verdicts(c Claims, rules ...string) []Verdict {
	out := make([]Verdict, len(rules))
	env, err := c.Env()
	for i, r := range rules {
		if out[i] = Fail; err == nil {
			out[i] = e.run(r, env)
		}
	}
	return out
}

// tieWitness looks for a user for whom both rules answer, so that which
// of the two decides depends on argo-server's order.
func (e *Evaluator) tieWitness(a, b Account) (string, bool) {
	for _, u := range users(a.Rule, b.Rule) {
		v := e.verdicts(u, a.Rule, b.Rule)
		va, vb := v[0], v[1]
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
func (e *Evaluator) catchAll(a Account) bool {
	for _, u := range users(a.Rule) {
		if e.verdicts(u, a.Rule)[0] != Match {
			return false
		}
	}
	return true
}

// failsAbove says for which user the rule fails while a lower account's
// rule would let that user in, and which lower accounts those are. A rule
// that fails only for users no lower account admits refuses nobody who
// could otherwise log in (argo-server answers "no service account rule
// matches" or the lower rule's own error instead), so it is no problem.
// The users tried: the user with every optional claim less one claim
// (argo-server drops empty claims), that user, then the literal users of
// all the rules involved.
func (e *Evaluator) failsAbove(a Account, lower []Account) (string, []string) {
	base := Claims{Subject: "s", Groups: []string{"g"}, Email: "e", Name: "n", PreferredUsername: "p", Expiry: someExpiry}
	type candidate struct {
		why string
		u   Claims
	}
	rules := []string{a.Rule}
	for _, b := range lower {
		rules = append(rules, b.Rule)
	}
	// The groups a lower rule may test: none of the literals, each, all.
	var lits []string
	for _, r := range rules {
		lits = append(lits, stringLiterals(r)...)
	}
	groupSets := [][]string{base.Groups, lits}
	for _, l := range lits {
		groupSets = append(groupSets, []string{l})
	}
	var cands []candidate
	for _, d := range []struct {
		claim string
		drop  func(*Claims)
	}{
		{"groups", func(c *Claims) { c.Groups = nil }},
		{"email", func(c *Claims) { c.Email = "" }},
		{"name", func(c *Claims) { c.Name = "" }},
		{"preferred_username", func(c *Claims) { c.PreferredUsername = "" }},
		{"sub", func(c *Claims) { c.Subject = "" }},
	} {
		for _, groups := range groupSets {
			c := base
			c.Groups = groups
			d.drop(&c)
			cands = append(cands, candidate{"for users without a " + d.claim + " claim (argo-server drops empty claims)", c})
		}
	}
	cands = append(cands, candidate{"for users without a service_account_name claim", base})
	for _, u := range users(rules...) {
		cands = append(cands, candidate{"for " + describe(u), u})
	}
	for _, c := range cands {
		v := e.verdicts(c.u, rules...) // rules[0] is a's, then lower's in order
		if v[0] != Fail {
			continue
		}
		var admitted []string
		for i, b := range lower {
			if v[i+1] == Match {
				admitted = append(admitted, b.Name)
			}
		}
		if len(admitted) > 0 {
			return c.why, admitted
		}
	}
	return "", nil
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
