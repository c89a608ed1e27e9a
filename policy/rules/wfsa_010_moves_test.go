package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// The guide's fixed accounts: admins, developers, and a catch-all.
func movesLive() []*policy.Object {
	return []*policy.Object{
		sa("argo-admin", "'"+adminsID+"' in get($env, 'groups')", "10"),
		sa("argo-developer", "'"+devsID+"' in get($env, 'groups')", "5"),
		sa("argo-readonly", "true", "0"),
	}
}

func TestWFSA010Moves(t *testing.T) {
	live := movesLive()
	without := func(name string) []*policy.Object {
		var out []*policy.Object
		for _, o := range live {
			if o.Ref.Name != name {
				out = append(out, o)
			}
		}
		return out
	}
	replaced := func(o *policy.Object) []*policy.Object { return append(without(o.Ref.Name), o) }
	// Two more groups that only the catch-all admits.
	moreGroups := strings.Replace(awsSettings, "adminGroups:", "  - {id: c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28, name: security-auditors}\n"+
		"  - {id: d1e2f3a4-0000-7000-8000-000000000001, name: platform-viewers}\nadminGroups:", 1)
	for _, tc := range []struct {
		name     string
		op       string
		changed  string
		old      *policy.Object // the request's old object
		after    []*policy.Object
		settings string
		want     []string // messages
	}{
		{name: "delete the developers' account: they fall to the catch-all", op: "DELETE", changed: "argo-developer",
			old: live[1], after: without("argo-developer"), settings: awsSettings,
			want: []string{"deleting argo-developer moves group argocd-developers (" + devsID + ") from argo/argo-developer to argo/argo-readonly (an account whose rule every known group matches)"}},
		{name: "delete the catch-all: groups without a narrower account are refused", op: "DELETE", changed: "argo-readonly",
			old: live[2], after: without("argo-readonly"), settings: moreGroups,
			want: []string{"deleting argo-readonly moves 2 groups (security-auditors (c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28), platform-viewers (d1e2f3a4-0000-7000-8000-000000000001)) from argo/argo-readonly to a refused login (no service account rule matches)"}},
		{name: "delete an account no group reaches", op: "DELETE", changed: "argo-readonly",
			old: live[2], after: without("argo-readonly"), settings: awsSettings},
		{name: "lower the developers' precedence to the catch-all's: depends on order", op: "UPDATE", changed: "argo-developer",
			old: live[1], after: replaced(sa("argo-developer", "'"+devsID+"' in get($env, 'groups')", "0")), settings: awsSettings,
			want: []string{"changing argo-developer moves group argocd-developers (" + devsID + ") from argo/argo-developer to argo/argo-developer or argo/argo-readonly, depending on the order of equal precedences"}},
		{name: "a rule that fails for everyone refuses both groups", op: "UPDATE", changed: "argo-developer",
			old: live[1], after: replaced(sa("argo-developer", "", "50")), settings: awsSettings,
			want: []string{"changing argo-developer moves group argocd-admins (" + adminsID + ") from argo/argo-admin to a refused login (the rule of argo/argo-developer fails)",
				"changing argo-developer moves group argocd-developers (" + devsID + ") from argo/argo-developer to a refused login (the rule of argo/argo-developer fails)"}},
		{name: "create a catch-all above everyone", op: "CREATE", changed: "argo-everyone",
			after: append(without(""), sa("argo-everyone", "true", "100")), settings: awsSettings,
			want: []string{"creating argo-everyone moves group argocd-admins (" + adminsID + ") from argo/argo-admin to argo/argo-everyone (an account whose rule every known group matches)",
				"creating argo-everyone moves group argocd-developers (" + devsID + ") from argo/argo-developer to argo/argo-everyone (an account whose rule every known group matches)"}},
		{name: "a rule on argo-server's own account says so", op: "CREATE", changed: "argo-server",
			after: append(without(""), sa("argo-server", "'"+devsID+"' in get($env, 'groups')", "100")), settings: awsSettings,
			want: []string{"creating argo-server moves group argocd-developers (" + devsID + ") from argo/argo-developer to argo/argo-server (argo-server's own account, with the server's rights)"}},
		{name: "an edit that keeps every choice", op: "UPDATE", changed: "argo-developer",
			old: live[1], after: replaced(sa("argo-developer", "'"+devsID+"' in get($env, 'groups')", "6")), settings: awsSettings},
		{name: "no known groups: nothing to compute", op: "DELETE", changed: "argo-developer",
			old: live[1], after: without("argo-developer")},
		{name: "the audit (no operation) compares nothing", op: "", changed: "argo-developer",
			old: live[1], after: without("argo-developer"), settings: awsSettings},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "argo", Name: tc.changed}
			s := &policy.Snapshot{Settings: settingsFrom(t, tc.settings), ServiceAccounts: tc.after, Changed: &ref, Operation: tc.op, Old: tc.old}
			if tc.op == "" {
				s.Changed = nil
			}
			fs := checkFindings(t, "WFSA-010", s)
			var got []string
			for _, f := range fs {
				if f.Action != policy.ActionWarn || f.Location.Path != rbacRuleField || f.Location.Object != ref {
					t.Errorf("finding not a warning on %s's rule: %+v", tc.changed, f)
				}
				got = append(got, f.Message)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
