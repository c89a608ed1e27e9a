package wfrbac

import (
	"strings"
	"testing"
)

// A change moves a user when the account it touches is (or was) the one
// argo-server would choose for them, or fails for them; a change to an
// account whose rule never answers for the user moves nobody.
func TestCompareChoice(t *testing.T) {
	admin := acct("admin", "10", "'admins' in get($env, 'groups')")
	dev := acct("dev", "5", "'devs' in get($env, 'groups')")
	all := acct("all", "0", "true")
	live := []Account{admin, dev, all}
	without := func(name string) []Account {
		var out []Account
		for _, a := range live {
			if a.Name != name {
				out = append(out, a)
			}
		}
		return out
	}
	devs := Claims{Subject: "u", Groups: []string{"devs"}, Expiry: 1}
	admins := Claims{Subject: "u", Groups: []string{"admins"}, Expiry: 1}
	for _, tc := range []struct {
		name          string
		before, after []Account
		changed       string
		claims        Claims
		want          string // "before -> after", or "" when nothing moves
	}{
		{"delete the narrow account: its users fall to the catch-all", live, without("dev"), "argo/dev", devs, "dev -> all"},
		{"delete an account another user never reaches", live, without("dev"), "argo/dev", admins, ""},
		{"delete the catch-all: users without a narrower rule have none", live, without("all"), "argo/all", Claims{Subject: "u", Groups: []string{"other"}, Expiry: 1}, "all -> none"},
		{"delete the catch-all: users with a narrower rule stay", live, without("all"), "argo/all", devs, ""},
		{"create a higher account matching the user", without("dev"), live, "argo/dev", devs, "all -> dev"},
		{"precedence tie makes it depend on order", live, []Account{admin, acct("dev", "0", dev.Rule), all}, "argo/dev", devs, "dev -> dev all"},
		{"a rule that now fails refuses the login", live, []Account{admin, acct("dev", "5", "'devs' in groups"), all}, "argo/dev", Claims{Subject: "u", Expiry: 1}, "all -> fail:dev"},
		{"an edit that keeps the choice moves nobody", live, []Account{admin, acct("dev", "6", dev.Rule), all}, "argo/dev", devs, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, moved, err := new(Evaluator).CompareChoice(tc.before, tc.after, tc.changed, tc.claims)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if moved {
				got = strings.Join(outcomes(ch.Before), " ") + " -> " + strings.Join(outcomes(ch.After), " ")
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSelectionSameIgnoresOrder(t *testing.T) {
	a, b := Outcome{Kind: Selected, Account: acct("a", "1", "true")}, Outcome{Kind: Selected, Account: acct("b", "1", "true")}
	if !(Selection{Outcomes: []Outcome{a, b}}).Same(Selection{Outcomes: []Outcome{b, a}}) {
		t.Error("the same outcomes in another order differ")
	}
	if (Selection{Outcomes: []Outcome{a}}).Same(Selection{Outcomes: []Outcome{a, b}}) {
		t.Error("one outcome and two are the same")
	}
}
