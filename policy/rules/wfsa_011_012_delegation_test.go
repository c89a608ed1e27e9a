package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

const delegationSettings = awsSettings + "workflows: {namespace: argo, namespaceDelegation: true}\n"

// teamSA is an rbac-rule account of namespace team-a.
func teamSA(name, rule, precedence string) *policy.Object {
	o := sa(name, rule, precedence)
	o.Ref.Namespace = "team-a"
	return o
}

// The delegated namespace's accounts beside the Workflows namespace's
// read-only catch-all (precedence 0), the usual delegation setup.
func withReadOnly(team ...*policy.Object) []*policy.Object {
	return append([]*policy.Object{sa("read-only", "true", "0")}, team...)
}

func TestWFSA011DelegatedRuleFails(t *testing.T) {
	runWFSATable(t, "WFSA-011", []wfsaCase{
		{name: "compiles", settings: delegationSettings, accounts: withReadOnly(teamSA("team-devs", "'"+devsID+"' in groups", "5"))},
		{name: "syntax error: a warning, the login account is kept", settings: delegationSettings,
			accounts: withReadOnly(teamSA("team-devs", "'"+devsID+"' in groups &&", "5")),
			want:     []string{"team-devs " + ruleField + " warn"}, contains: "keeps the account chosen in its own namespace"},
		{name: "delegation off: not argo-server's, not judged", settings: awsSettings,
			accounts: withReadOnly(teamSA("team-devs", "'"+devsID+"' in groups &&", "5"))},
		{name: "the Workflows namespace is WFSA-001's", settings: delegationSettings,
			accounts: []*policy.Object{sa("broken", "'x' in groups &&", "1")}},
	})
	runWFSATable(t, "WFSA-001", []wfsaCase{
		{name: "a delegated account is not WFSA-001's", settings: delegationSettings,
			accounts: withReadOnly(teamSA("team-devs", "'"+devsID+"' in groups &&", "5"))},
	})
}

func TestWFSA012DelegatedNotAbove(t *testing.T) {
	devs := "'" + devsID + "' in get($env, 'groups')"
	runWFSATable(t, "WFSA-012", []wfsaCase{
		{name: "above the catch-all", settings: delegationSettings, accounts: withReadOnly(teamSA("team-devs", devs, "5"))},
		{name: "equal precedence: the login account is kept", settings: delegationSettings,
			accounts: withReadOnly(teamSA("team-devs", devs, "0")),
			want:     []string{"team-devs " + precField + " warn"}, contains: `group "` + devsID + `" (argocd-developers) lands on argo/read-only (precedence 0)`},
		{name: "below the group's account in the Workflows namespace", settings: delegationSettings,
			accounts: append(withReadOnly(teamSA("team-devs", devs, "5")), sa("devs", devs, "10")),
			want:     []string{"team-devs " + precField + " warn"}, contains: "argo/devs (precedence 10)"},
		{name: "no account of the Workflows namespace admits the group (v3)", settings: delegationSettings,
			accounts: []*policy.Object{sa("admins", "'"+adminsID+"' in get($env, 'groups')", "10"), teamSA("team-devs", devs, "5")},
			want:     []string{"team-devs " + precField + " warn"}, contains: "v4.0.5 and later fall through"},
		{name: "delegation off: no finding", settings: awsSettings, accounts: withReadOnly(teamSA("team-devs", devs, "0"))},
	})
}

// The guide's mistake in a delegated namespace: a deny, as in the
// Workflows namespace (the reasoning is in WFSA-002's doc).
func TestWFSA002InDelegatedNamespace(t *testing.T) {
	runWFSATable(t, "WFSA-002", []wfsaCase{
		{name: "display name", settings: delegationSettings,
			accounts: withReadOnly(teamSA("team-devs", "'argocd-developers' in groups", "5")),
			want:     []string{"team-devs " + ruleField + " deny"}, contains: devsID},
		{name: "delegation off: not judged", settings: awsSettings,
			accounts: withReadOnly(teamSA("team-devs", "'argocd-developers' in groups", "5"))},
	})
}
