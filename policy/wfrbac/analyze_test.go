package wfrbac

import (
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	known := []string{"9067a8f2-1234", "b1c2-5678"}
	names := map[string]string{"ArgoAdmins": "9067a8f2-1234"}
	type want struct {
		account string
		field   string
		action  Action
		reason  string // substring
	}
	for _, tc := range []struct {
		name     string
		accounts []Account
		server   string
		want     []want
	}{
		{"clean", []Account{acct("admin", "10", "'9067a8f2-1234' in get($env, 'groups')"), acct("viewer", "1", "'b1c2-5678' in get($env, 'groups')")}, "", nil},
		{"syntax error", []Account{acct("a", "1", "'x' in groups &&")}, "", []want{{"a", FieldRule, Deny, "does not compile"}}},
		{"empty rule", []Account{acct("a", "1", "")}, "", []want{{"a", FieldRule, Deny, "does not compile"}}},
		{"unknown claim", []Account{acct("a", "1", "email_verified == true")}, "", []want{{"a", FieldRule, Deny, "does not compile"}}},
		{"non-boolean", []Account{acct("a", "1", "email")}, "", []want{{"a", FieldRule, Deny, "not return a boolean"}}},
		{"display name", []Account{acct("a", "1", "'ArgoAdmins' in get($env, 'groups')")}, "", []want{{"a", FieldRule, Deny, `"9067a8f2-1234"`}}},
		{"unknown group", []Account{acct("a", "1", "'Other' in get($env, 'groups')")}, "", []want{{"a", FieldRule, Warn, "not a known group"}}},
		{"server's own account", []Account{acct("argo-server", "1", "false")}, "argo/argo-server", []want{{"argo-server", FieldRule, Deny, "argo-server's rights"}}},
		{"precedence text", []Account{acct("a", " 7", "false")}, "", []want{{"a", FieldPrecedence, Warn, "reads it as 0"}}},
		{"tie both match", []Account{acct("a", "5", "'9067a8f2-1234' in get($env, 'groups')"), acct("b", "5", "email endsWith '@example.com'")}, "",
			[]want{{"b", FieldPrecedence, Warn, "both match"}}},
		{"tie that cannot both match", []Account{acct("a", "5", "email == 'x@e'"), acct("b", "5", "email == 'y@e'")}, "", nil},
		{"tie match or fail", []Account{acct("a", "5", "'9067a8f2-1234' in groups"), acct("b", "5", "sub != ''")}, "",
			[]want{{"b", FieldPrecedence, Warn, "succeeds or fails by request"}}},
		{"catch-all above", []Account{acct("all", "10", "true"), acct("admin", "1", "'9067a8f2-1234' in get($env, 'groups')")}, "",
			[]want{{"all", FieldRule, Warn, "never chosen: admin"}}},
		{"catch-all at the bottom is fine", []Account{acct("admin", "10", "'9067a8f2-1234' in get($env, 'groups')"), acct("all", "1", "true")}, "", nil},
		{"missing groups blocks lower", []Account{acct("admin", "10", "'9067a8f2-1234' in groups"), acct("all", "1", "true")}, "",
			[]want{{"admin", FieldRule, Warn, "without a groups claim"}}},
		{"failing above rules that fail for the same users is fine", []Account{acct("alice", "20", "email == 'alice@example.com'"), acct("staff", "10", "email endsWith '@example.com'")}, "", nil},
		{"failing above a rule that admits those users", []Account{acct("alice", "20", "email == 'alice@example.com'"), acct("team", "10", "'b1c2-5678' in get($env, 'groups')")}, "",
			[]want{{"alice", FieldRule, Warn, "would admit them: team"}}},
		{"failing rule at the bottom is fine", []Account{acct("viewer", "10", "'b1c2-5678' in get($env, 'groups')"), acct("admin", "1", "'9067a8f2-1234' in groups")}, "", nil},
		{"index out of range blocks lower", []Account{acct("g", "10", "groups[1] == 'b1c2-5678'"), acct("all", "1", "true")}, "",
			[]want{{"g", FieldRule, Warn, "fails"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Analyze(tc.accounts, GroupList{Values: known, IDs: names}, tc.server)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Account != "argo/"+w.account || g.Field != w.field || g.Action != w.action || !strings.Contains(g.Reason, w.reason) {
					t.Errorf("problem %d = %v, want %s %s %s ~%q", i, g, w.action, w.account, w.field, w.reason)
				}
			}
		})
	}
}

// A deny must be a failure argo-server really has: for every deny on a
// rule, Select on the account alone fails for every user tried.
func TestAnalyzeDenyMeansLoginFails(t *testing.T) {
	for _, rule := range []string{"", "nope(", "email", "1", "nil", "custom == 'x'", "groups + 1", "'a' in groups &&"} {
		a := acct("a", "1", rule)
		ps := Analyze([]Account{a}, nil, "")
		if len(ps) != 1 || ps[0].Action != Deny {
			t.Fatalf("%q: %v", rule, ps)
		}
		for _, u := range users(rule, "admins") {
			sel, _ := Select([]Account{a}, u)
			if sel.Outcomes[0].Kind != RuleFailed {
				t.Errorf("%q denied but %s gives %v", rule, describe(u), sel.Outcomes)
			}
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"'a' in groups", "true", "", "any(groups, # == 'x')", "email endsWith '@x' && 'g' in get($env,'groups')", "groups[0] == 'a'", "1..1000000", "repeat('a', 100000)"} {
		f.Add(s, s, "5")
	}
	f.Fuzz(func(t *testing.T, r1, r2, prec string) {
		if len(r1)+len(r2) > 2048 {
			return
		}
		accounts := []Account{acct("a", prec, r1), acct("b", "5", r2), acct("c", "0", "true")}
		for _, p := range Analyze(accounts, GroupList{Values: []string{"a"}, IDs: map[string]string{"A": "a"}}, "argo/c") {
			if p.Account == "" || p.Field == "" || p.Reason == "" || p.Check == "" || (p.Action != Deny && p.Action != Warn) {
				t.Fatalf("malformed problem %+v", p)
			}
		}
		GroupLiterals(r1)
		if _, err := Select(accounts, Claims{Groups: []string{"a"}, Expiry: 1}); err != nil {
			t.Fatal(err)
		}
	})
}
