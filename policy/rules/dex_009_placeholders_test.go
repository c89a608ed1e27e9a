package rules

import "testing"

func TestDEX009(t *testing.T) {
	runSSOTable(t, "DEX-009", []ssoCase{
		{name: "sso URL", tweak: replaceDex("https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx",
			"https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>"), want: 1, contains: "<region>", line: 8},
		{name: "caData", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: <base64-encoded-cert>") }, want: 1, contains: "<base64-encoded-cert>"},
		{name: "static client", tweak: replaceDex("- https://workflows.example.com/oauth2/callback", "- https://<workflows-host>/oauth2/callback"), want: 1},
	})
}
