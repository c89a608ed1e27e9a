package wfconformance

import (
	"fmt"
	"math/rand"

	"github.com/argoguard/argoguard/policy/wfrbac"
)

// Rule atoms: what SSO RBAC rules test in practice, and the ways they fail
// (a missing claim, a claim argo-server does not re-issue, a non-boolean, a
// syntax error, an empty rule, an index out of range).
var atoms = []string{
	"true", "false",
	"'g1' in groups", "'g2' in groups", "'G1' in groups", "'g1' not in groups",
	"'g1' in get($env, 'groups')", "'g2' in $env.groups",
	"any(groups, # startsWith 'g')", "groups[0] == 'g1'", "len(groups) > 1",
	"email endsWith '@example.com'", "email == 'bob@example.com'",
	"sub == 'u1'", "name == 'Bob'", "preferred_username == 'bob'",
	"iss == 'argo-server'", "exp > 0",
	"email_verified", "1", "''", "nope(", "nil", "", "email",
}

var precedences = []string{"", "0", "1", "1", "2", "2", "5", "10", "-1", "+3", " 7", "abc", "2.5", "99999999999999999999"}

var (
	groupPool = []string{"g1", "g2", "g3", "G1"}
	emails    = []string{"", "bob@example.com", "bob@example.com.evil.io", "alice@other.org"}
	subs      = []string{"", "u1", "u2"}
	names     = []string{"", "Bob"}
	usernames = []string{"", "bob"}
)

type testCase struct {
	accounts []wfrbac.Account
	claims   wfrbac.Claims
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

func genRule(r *rand.Rand) string {
	rule := pick(r, atoms)
	for r.Intn(3) == 0 {
		rule = fmt.Sprintf("(%s) %s (%s)", rule, pick(r, []string{"&&", "||"}), pick(r, atoms))
	}
	return rule
}

// genCase builds case i of a seed; it depends only on (seed, i).
func genCase(seed int64, i int) testCase {
	r := rand.New(rand.NewSource(seed*1_000_003 + int64(i)))
	var tc testCase
	n := 1 + r.Intn(6)
	for k := 0; k < n; k++ {
		a := wfrbac.Account{Namespace: namespace, Name: fmt.Sprintf("sa%d", k), PrecedenceRaw: pick(r, precedences)}
		if r.Intn(8) != 0 {
			a.HasRule, a.Rule = true, genRule(r)
		}
		tc.accounts = append(tc.accounts, a)
	}
	for _, g := range groupPool {
		if r.Intn(2) == 0 {
			tc.claims.Groups = append(tc.claims.Groups, g)
		}
	}
	tc.claims.Email = pick(r, emails)
	tc.claims.Subject = pick(r, subs)
	tc.claims.Name = pick(r, names)
	tc.claims.PreferredUsername = pick(r, usernames)
	tc.claims.Expiry = 4102444800
	return tc
}
