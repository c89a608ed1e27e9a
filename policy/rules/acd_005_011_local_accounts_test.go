package rules

import "testing"

func TestACD005(t *testing.T) {
	runSSOTable(t, "ACD-005", []ssoCase{
		{name: "admin.enabled missing", tweak: func(f *ssoFixture) { delete(f.acd, "admin.enabled") }, want: 1, contains: `not "false"`},
		{name: "admin.enabled true", tweak: setACD("admin.enabled", "true"), want: 1},
		{name: "invalid keeps admin on", tweak: setACD("admin.enabled", "no"), want: 1},
		{name: "FALSE parses as false", tweak: setACD("admin.enabled", "FALSE"), want: 0},
		{name: "no SSO", tweak: func(f *ssoFixture) { delete(f.acd, "admin.enabled"); f.dex = "" }, want: 0},
		{name: "oidc counts as SSO", tweak: func(f *ssoFixture) {
			delete(f.acd, "admin.enabled")
			f.dex = ""
			f.acd["oidc.config"] = "issuer: https://idp.example.com\n"
		}, want: 1},
	})
}

func TestACD011(t *testing.T) {
	runSSOTable(t, "ACD-011", []ssoCase{
		{name: "admin.enabled yes", tweak: setACD("admin.enabled", "yes"), want: 1, contains: "not a boolean"},
		{name: "account flag", tweak: setACD("accounts.ci", "apiKey", "accounts.ci.enabled", "on"), want: 1, contains: "every local login fails"},
		{name: "account flag fine", tweak: setACD("accounts.ci", "apiKey", "accounts.ci.enabled", "false"), want: 0},
		{name: "two bad", tweak: setACD("admin.enabled", "nope", "accounts.a.enabled", "x"), want: 2},
	})
}
