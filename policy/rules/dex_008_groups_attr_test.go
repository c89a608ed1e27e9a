package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestDEX008(t *testing.T) {
	noGroups := func(f *ssoFixture) { f.dex = removeLine(f.dex, "groupsAttr:") }
	runSSOTable(t, "DEX-008", []ssoCase{
		{name: "group grant without groupsAttr", tweak: func(f *ssoFixture) {
			noGroups(f)
			f.rbac = map[string]string{"policy.csv": "g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin\n"}
		}, want: 1, contains: "has no groupsAttr", path: "connectors[0].config", action: policy.ActionDeny},
		{name: "a name that may be a user id is a guess", tweak: func(f *ssoFixture) {
			noGroups(f)
			f.rbac = map[string]string{"policy.csv": "g, jdoe, role:admin\n"}
		}, want: 1, action: policy.ActionWarn},
		{name: "another connector delivers groups", tweak: func(f *ssoFixture) {
			noGroups(f)
			f.dex = strings.Replace(f.dex, "staticClients:", "- type: github\n  id: github\n  name: GitHub\n  config: {clientID: x, clientSecret: $dex.github.clientSecret}\nstaticClients:", 1)
			f.rbac = map[string]string{"policy.csv": "g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin\n"}
		}, want: 1, contains: "has no groupsAttr", action: policy.ActionWarn},
		{name: "oidc.config wins over Dex", tweak: func(f *ssoFixture) {
			noGroups(f)
			f.acd["oidc.config"] = "issuer: https://idp.example.com\nclientID: x\n"
			f.rbac = map[string]string{"policy.csv": "g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin\n"}
		}, want: 0},
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
