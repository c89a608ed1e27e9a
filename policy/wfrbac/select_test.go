package wfrbac

import (
	"strings"
	"testing"
)

func acct(name, prec, rule string) Account {
	return Account{Namespace: "argo", Name: name, HasRule: true, Rule: rule, PrecedenceRaw: prec}
}

func outcomes(s Selection) []string {
	var out []string
	for _, o := range s.Outcomes {
		switch o.Kind {
		case Selected:
			out = append(out, o.Account.Name)
		case RuleFailed:
			out = append(out, "fail:"+o.Account.Name)
		default:
			out = append(out, "none")
		}
	}
	return out
}

// Each case mirrors server/auth/gatekeeper.go getServiceAccount with
// util/expr/argoexpr/eval.go EvalBool; the facts were observed by driving
// argo-server v3.7.18's gatekeeper (see test/wfconformance for the
// randomized comparison).
func TestSelect(t *testing.T) {
	admins := Claims{Subject: "u", Groups: []string{"admins"}, Email: "bob@example.com", Expiry: 1}
	noGroups := Claims{Subject: "u", Email: "bob@example.com", Expiry: 1}
	for _, tc := range []struct {
		name     string
		accounts []Account
		claims   Claims
		want     string
	}{
		{"highest precedence true wins", []Account{acct("low", "1", "true"), acct("high", "10", "'admins' in groups")}, admins, "high"},
		{"false falls through", []Account{acct("low", "1", "true"), acct("high", "10", "'ops' in groups")}, admins, "low"},
		{"no match", []Account{acct("a", "1", "'ops' in groups")}, admins, "none"},
		{"no accounts", nil, admins, "none"},
		{"account without the annotation is skipped", []Account{{Namespace: "argo", Name: "plain"}}, admins, "none"},
		{"empty rule fails", []Account{acct("empty", "5", ""), acct("all", "1", "true")}, admins, "fail:empty"},
		{"missing groups fails and ends the search", []Account{acct("g", "5", "'admins' in groups"), acct("all", "1", "true")}, noGroups, "fail:g"},
		{"empty groups are dropped, so fail too", []Account{acct("g", "5", "'admins' in groups")}, Claims{Groups: []string{}, Expiry: 1}, "fail:g"},
		{"$env.groups fails too", []Account{acct("g", "5", "'admins' in $env.groups")}, noGroups, "fail:g"},
		{"groups ?? [] fails too", []Account{acct("g", "5", "'admins' in (groups ?? [])")}, noGroups, "fail:g"},
		{"get($env) tolerates the missing key", []Account{acct("g", "5", "'admins' in get($env, 'groups')"), acct("all", "1", "true")}, noGroups, "all"},
		{"non-boolean fails", []Account{acct("n", "5", "1"), acct("all", "1", "true")}, admins, "fail:n"},
		{"nil fails", []Account{acct("n", "5", "nil"), acct("all", "1", "true")}, admins, "fail:n"},
		{"custom claim fails", []Account{acct("c", "5", "email_verified"), acct("all", "1", "true")}, admins, "fail:c"},
		{"iss is argo-server", []Account{acct("i", "5", "iss == 'argo-server'")}, admins, "i"},
		{"failing rule below a match is never run", []Account{acct("m", "5", "true"), acct("bad", "1", "nope(")}, admins, "m"},
		{"case-sensitive groups", []Account{acct("g", "5", "'Admins' in groups")}, admins, "none"},
		{"endsWith is exact", []Account{acct("e", "5", "email endsWith '@example.com'")}, Claims{Email: "bob@example.com.evil.io", Expiry: 1}, "none"},
		{"precedence text reads 0", []Account{acct("a", "abc", "true"), acct("b", "1", "true")}, admins, "b"},
		{"tie: either match", []Account{acct("a", "3", "true"), acct("b", "3", "'admins' in groups"), acct("c", "1", "true")}, admins, "a b"},
		{"tie: match or fail", []Account{acct("a", "3", "true"), acct("b", "3", "'admins' in groups")}, noGroups, "a fail:b"},
		{"tie: the false one adds no outcome", []Account{acct("a", "3", "false"), acct("b", "3", "true")}, admins, "b"},
		{"tie all false falls to the next band", []Account{acct("a", "3", "false"), acct("b", "3", "false"), acct("c", "1", "true")}, admins, "c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Select(tc.accounts, tc.claims)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(outcomes(sel), " "); got != tc.want {
				t.Errorf("outcomes %q, want %q (%v)", got, tc.want, sel.Outcomes)
			}
			if sel.Deterministic() != !strings.Contains(tc.want, " ") {
				t.Errorf("Deterministic() = %v", sel.Deterministic())
			}
		})
	}
}

func TestSelectRejectsMixedNamespaces(t *testing.T) {
	b := acct("b", "1", "true")
	b.Namespace = "other"
	if _, err := Select([]Account{acct("a", "1", "true"), b}, Claims{}); err == nil {
		t.Fatal("want an error for accounts of two namespaces")
	}
}

// Mirrors server/auth/gatekeeper.go rbacAuthorization.
func TestSelectDelegated(t *testing.T) {
	team := func(name, prec, rule string) Account { a := acct(name, prec, rule); a.Namespace = "team"; return a }
	c := Claims{Groups: []string{"dev"}, Expiry: 1}
	for _, tc := range []struct {
		name        string
		login, team []Account
		want        string
	}{
		{"strictly higher wins", []Account{acct("login", "1", "true")}, []Account{team("t", "2", "true")}, "t"},
		{"equal keeps the login account", []Account{acct("login", "2", "true")}, []Account{team("t", "2", "true")}, "login"},
		{"team error is ignored", []Account{acct("login", "1", "true")}, []Account{team("t", "9", "nope(")}, "login"},
		{"login failure refuses", []Account{acct("login", "1", "'x' in nope")}, []Account{team("t", "9", "true")}, "fail:login"},
		{"login no match refuses", []Account{acct("login", "1", "false")}, []Account{team("t", "9", "true")}, "none"},
		{"tie in the team namespace", []Account{acct("login", "1", "true")}, []Account{team("t1", "5", "true"), team("t2", "5", "true")}, "t1 t2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := SelectDelegated(tc.login, tc.team, c)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(outcomes(sel), " "); got != tc.want {
				t.Errorf("outcomes %q, want %q", got, tc.want)
			}
		})
	}
}
