package wfrbac

import (
	"fmt"
	"strings"
	"testing"
)

func teamAcct(name, prec, rule string) Account {
	a := acct(name, prec, rule)
	a.Namespace = "team-a"
	return a
}

// The cases mirror server/auth/gatekeeper.go rbacAuthorization with
// SSO_DELEGATE_RBAC_TO_NAMESPACE=true (Argo Workflows v3.7).
func TestAnalyzeDelegated(t *testing.T) {
	known := []string{"id-admins", "id-devs"}
	names := map[string]string{"ArgoAdmins": "id-admins", "Developers": "id-devs"}
	readOnly := acct("read-only", "0", "true")
	devsHigh := acct("devs", "10", "'id-devs' in get($env, 'groups')")
	type want struct {
		account string
		check   Check
		action  Action
		reason  string // substring
	}
	for _, tc := range []struct {
		name         string
		team, server []Account
		want         []want
	}{
		{"above the catch-all of argo-server's namespace", []Account{teamAcct("team-devs", "5", "'id-devs' in get($env, 'groups')")}, []Account{readOnly}, nil},
		{"display name: never true", []Account{teamAcct("team-devs", "5", "'Developers' in get($env, 'groups')")}, []Account{readOnly},
			[]want{{"team-devs", CheckDisplayName, Deny, `the group ID "id-devs"`}}},
		{"does not compile: logged, login account kept", []Account{teamAcct("team-devs", "5", "'id-devs' in groups &&")}, []Account{readOnly},
			[]want{{"team-devs", CheckDelegatedFails, Warn, "logs the error and keeps the account chosen in its own namespace"}}},
		{"not a boolean", []Account{teamAcct("team-devs", "5", "email")}, []Account{readOnly},
			[]want{{"team-devs", CheckDelegatedFails, Warn, "does not return a boolean"}}},
		{"equal precedence: the login account is kept", []Account{teamAcct("team-devs", "0", "'id-devs' in get($env, 'groups')")}, []Account{readOnly},
			[]want{{"team-devs", CheckNotAbove, Warn, `group "id-devs" (Developers) lands on argo/read-only (precedence 0)`}}},
		{"below the group's account", []Account{teamAcct("team-devs", "5", "'id-devs' in get($env, 'groups')")}, []Account{devsHigh, readOnly},
			[]want{{"team-devs", CheckNotAbove, Warn, "argo/devs (precedence 10)"}}},
		{"no account in argo-server's namespace: v3 refuses", []Account{teamAcct("team-admins", "5", "'id-admins' in get($env, 'groups')")}, []Account{devsHigh},
			[]want{{"team-admins", CheckNotAbove, Warn, "matches no account of argo-server's namespace"}}},
		{"failing login rule refuses first", []Account{teamAcct("team-devs", "5", "'id-devs' in get($env, 'groups')")}, []Account{acct("mail", "1", "email endsWith '@example.com'")},
			[]want{{"team-devs", CheckNotAbove, Warn, "fails the rule of argo/mail"}}},
		{"catch-all in the delegated namespace", []Account{teamAcct("all", "9", "true"), teamAcct("team-devs", "5", "'id-devs' in get($env, 'groups')")}, []Account{readOnly},
			[]want{{"all", CheckCatchAll, Warn, "never chosen: team-devs"}}},
		{"fails for some above a delegated account", []Account{teamAcct("team-admins", "9", "'id-admins' in groups"), teamAcct("all", "5", "true")}, []Account{readOnly},
			[]want{{"team-admins", CheckFailsForSome, Warn, "keeps the account of its own namespace"}}},
		{"argo-server's name is not argo-server's account here", []Account{teamAcct("argo-server", "5", "'id-devs' in get($env, 'groups')")}, []Account{readOnly}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AnalyzeDelegated(tc.team, tc.server, GroupList{Values: known, IDs: names})
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Account != "team-a/"+w.account || g.Check != w.check || g.Action != w.action || !strings.Contains(g.Reason, w.reason) {
					t.Errorf("problem %d = %v (%s), want %s %s %s ~%q", i, g, g.Check, w.action, w.account, w.check, w.reason)
				}
			}
		})
	}
}

// Without known groups there is no user to try: the precedence check is
// silent rather than guess.
func TestNotAboveNeedsKnownGroups(t *testing.T) {
	got := AnalyzeDelegated([]Account{teamAcct("team-devs", "0", "'id-devs' in get($env, 'groups')")}, []Account{acct("read-only", "0", "true")}, nil)
	if len(got) != 0 {
		t.Fatalf("want no problem without known groups, got %v", got)
	}
}

// The reason names at most a few groups, then counts the rest.
func TestNotAboveBoundsTheGroupsNamed(t *testing.T) {
	var known []string
	for _, c := range "abcdefgh" {
		known = append(known, "id-"+string(c))
	}
	got := AnalyzeDelegated([]Account{teamAcct("everyone", "0", "sub != ''")}, []Account{acct("read-only", "0", "true")}, GroupList{Values: known})
	if len(got) != 1 || !strings.Contains(got[0].Reason, "and 3 more groups") || strings.Contains(got[0].Reason, `"id-f"`) {
		t.Fatalf("want one problem naming 5 groups and counting 3, got %v", got)
	}
}

// The not-above check tries one user per known group: its cost grows with
// the groups the settings list (an Identity Center export can hold
// thousands).
func BenchmarkAnalyzeDelegated1000Groups(b *testing.B) {
	var groups GroupList
	for i := range 1000 {
		groups.Values = append(groups.Values, fmt.Sprintf("id-%04d", i))
	}
	team := []Account{teamAcct("team-devs", "20", "'id-0001' in get($env, 'groups')"), teamAcct("team-all", "0", "true")}
	server := []Account{acct("admins", "10", "'id-0002' in get($env, 'groups')"), acct("read-only", "0", "true")}
	b.ReportAllocs()
	for b.Loop() {
		AnalyzeDelegated(team, server, groups)
	}
}
