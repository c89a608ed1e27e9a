package rules

import "testing"

func TestDEX008(t *testing.T) {
	noGroups := func(f *ssoFixture) { f.dex = removeLine(f.dex, "groupsAttr:") }
	runSSOTable(t, "DEX-008", []ssoCase{
		{name: "group grant without groupsAttr", tweak: func(f *ssoFixture) {
			noGroups(f)
			f.rbac = map[string]string{"policy.csv": "g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin\n"}
		}, want: 1, contains: "has no groupsAttr", path: "connectors[0].config"},
		{name: "only users", tweak: func(f *ssoFixture) {
			noGroups(f)
			f.rbac = map[string]string{"policy.csv": "g, alice@example.com, role:admin\n"}
		}, want: 0},
		{name: "groupsAttr present", tweak: func(f *ssoFixture) {
			f.rbac = map[string]string{"policy.csv": "g, team, role:admin\n"}
		}, want: 0},
		{name: "no argocd-rbac-cm", tweak: noGroups, want: 0},
	})
}
