package rules

import "testing"

func TestDEX005(t *testing.T) {
	aws := "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"
	runSSOTable(t, "DEX-005", []ssoCase{
		{name: "http", tweak: replaceDex(aws, "http://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"), want: 1, contains: "not an https URL", line: 8},
		{name: "not Identity Center", tweak: replaceDex(aws, "https://idp.example.com/sso/saml"), want: 1, contains: "not an IAM Identity Center SAML URL"},
		{name: "other provider", tweak: func(f *ssoFixture) {
			f.settings = "argocd: {url: https://argocd.example.com}\n"
			f.dex = replaceIn2(f.dex, aws, "https://idp.example.com/sso/saml")
		}, want: 0},
		{name: "placeholder is DEX-009's", tweak: replaceDex(aws, "https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>"), want: 0},
		{name: "glued-on placeholder is DEX-009's", tweak: replaceDex(aws, "https://portal.sso.yourregion.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"), want: 0},
	})
}

func replaceIn2(s, old, new string) string {
	f := &ssoFixture{dex: s}
	replaceDex(old, new)(f)
	return f.dex
}
