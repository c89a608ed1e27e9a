package rules

import "testing"

func TestACD006(t *testing.T) {
	runSSOTable(t, "ACD-006", []ssoCase{
		{name: "both set", tweak: setACD("oidc.config", "name: Okta\nissuer: https://idp.example.com\n"), want: 1, contains: "Dex login disappears"},
		{name: "only oidc", tweak: func(f *ssoFixture) { f.dex = ""; f.acd["oidc.config"] = "issuer: https://idp.example.com\n" }, want: 0},
		{name: "blank oidc", tweak: setACD("oidc.config", "  \n"), want: 0},
	})
}
