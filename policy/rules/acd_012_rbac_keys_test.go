package rules

import "testing"

func TestACD012(t *testing.T) {
	runSSOTable(t, "ACD-012", []ssoCase{
		{name: "policy.csv in argocd-cm", tweak: setACD("policy.csv", "g, admins, role:admin"), want: 1, contains: "policy.csv belongs in argocd-rbac-cm"},
		{name: "default and scopes", tweak: setACD("policy.default", "role:readonly", "scopes", "[groups]"), want: 2},
		{name: "overlay key and match mode", tweak: setACD("policy.team-a.csv", "p, a, b, c, d, allow", "policy.matchMode", "glob"), want: 2},
		{name: "argocd-cm keys that look alike", tweak: setACD("oidc.config", "name: x", "policy.csv.bak", "x", "accounts.ci", "apiKey"), want: 0},
	})
	// The rule reads argocd-cm only: the same keys in argocd-rbac-cm are fine.
	f := newFixture(t)
	f.rbac = map[string]string{"policy.csv": "g, admins, role:admin", "policy.default": "role:readonly"}
	if fs := checkRBACKeysInArgoCDCM(f.snap(t)); len(fs) != 0 {
		t.Fatalf("argocd-rbac-cm's keys reported: %+v", fs)
	}
}
