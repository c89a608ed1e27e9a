package rules

import (
	"fmt"
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
			want: []string{"group argocd-developers moves from argo-developer to argo-readonly (every known group matches its rule)"}},
		{name: "delete the catch-all: groups without a narrower account are refused", op: "DELETE", changed: "argo-readonly",
			old: live[2], after: without("argo-readonly"), settings: moreGroups,
			want: []string{"2 groups (security-auditors, platform-viewers) move from argo-readonly to a refused login (no rule matches)"}},
		{name: "delete an account no group reaches", op: "DELETE", changed: "argo-readonly",
			old: live[2], after: without("argo-readonly"), settings: awsSettings},
		{name: "lower the developers' precedence to the catch-all's: depends on order", op: "UPDATE", changed: "argo-developer",
			old: live[1], after: replaced(sa("argo-developer", "'"+devsID+"' in get($env, 'groups')", "0")), settings: awsSettings,
			want: []string{"group argocd-developers moves from argo-developer to argo-developer or argo-readonly (equal precedences: order-dependent)"}},
		{name: "a rule that fails for everyone refuses both groups", op: "UPDATE", changed: "argo-developer",
			old: live[1], after: replaced(sa("argo-developer", "", "50")), settings: awsSettings,
			want: []string{"group argocd-admins moves from argo-admin to a refused login (the rule of argo-developer fails)",
				"group argocd-developers moves from argo-developer to a refused login (the rule of argo-developer fails)"}},
		{name: "create a catch-all above everyone", op: "CREATE", changed: "argo-everyone",
			after: append(without(""), sa("argo-everyone", "true", "100")), settings: awsSettings,
			want: []string{"group argocd-admins moves from argo-admin to argo-everyone (every known group matches its rule)",
				"group argocd-developers moves from argo-developer to argo-everyone (every known group matches its rule)"}},
		{name: "a rule on argo-server's own account says so", op: "CREATE", changed: "argo-server",
			after: append(without(""), sa("argo-server", "'"+devsID+"' in get($env, 'groups')", "100")), settings: awsSettings,
			want: []string{"group argocd-developers moves from argo-developer to argo-server (argo-server's own account)"}},
		{name: "removing the rule annotation is a delete for argo-server", op: "UPDATE", changed: "argo-developer",
			old: live[1], after: without("argo-developer"), settings: awsSettings,
			want: []string{"group argocd-developers moves from argo-developer to argo-readonly (every known group matches its rule)"}},
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
			rule, _ := registry.Rule("WFSA-010")
			if rule.Action != policy.ActionWarn {
				t.Fatalf("WFSA-010 is %s: a deliberate change may move groups, so it warns", rule.Action)
			}
			var got []string
			for _, f := range rule.Check(s) {
				// On the account as a whole: a delete leaves no field.
				if f.Action != "" || f.Location.Path != "" || f.Location.Object != ref {
					t.Errorf("finding not on %s with the rule's action: %+v", tc.changed, f)
				}
				if !strings.Contains(f.Detail, tc.changed) || f.Fix == "" {
					t.Errorf("detail does not say what changed, or no fix: %+v", f)
				}
				got = append(got, f.Message)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// WFSA-010 on a delete with many known groups and accounts: one account
// per group (group i's rule names its ID) and a catch-all; the developers'
// account is deleted. Run with
// `go test -run '^$' -bench WFSA010 -benchmem ./policy/rules/`.
func BenchmarkWFSA010Delete(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			set := "identity:\n  provider: aws-iam-identity-center\n  groups:\n"
			live := []*policy.Object{sa("argo-readonly", "true", "0")}
			for i := range n {
				id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
				set += fmt.Sprintf("  - {id: %s, name: team-%d}\n", id, i)
				if i < 10 {
					live = append(live, sa(fmt.Sprintf("team-%d", i), "'"+id+"' in get($env, 'groups')", fmt.Sprint(10+i)))
				}
			}
			settings := settingsFrom(b, set)
			gone := live[1]
			ref := gone.Ref
			s := &policy.Snapshot{Settings: settings, ServiceAccounts: live[:1:1], Changed: &ref, Operation: "DELETE", Old: gone}
			s.ServiceAccounts = append(s.ServiceAccounts, live[2:]...)
			rule, _ := registry.Rule("WFSA-010")
			b.ReportAllocs()
			for b.Loop() {
				if fs := rule.Check(s); len(fs) != 1 {
					b.Fatalf("%d findings, want 1", len(fs))
				}
			}
		})
	}
}
