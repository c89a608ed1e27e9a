package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestDEX005(t *testing.T) {
	aws := "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"
	runSSOTable(t, "DEX-005", []ssoCase{
		{name: "http", tweak: replaceDex(aws, "http://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"), want: 1, contains: "non-loopback", line: 8, action: policy.ActionDeny},
		{name: "http on a local test IdP", tweak: func(f *ssoFixture) {
			f.settings = "argocd: {url: https://argocd.example.com}\n"
			f.dex = replaceIn2(f.dex, aws, "http://localhost:8081/realms/dev/protocol/saml")
		}, want: 0},
		{name: "http on a private address", tweak: func(f *ssoFixture) {
			f.settings = "argocd: {url: https://argocd.example.com}\n"
			f.dex = replaceIn2(f.dex, aws, "http://10.1.2.3:8081/saml")
		}, want: 1, contains: "non-loopback"},
		{name: "relative", tweak: replaceDex(aws, "/saml/assertion"), want: 1, contains: "not an absolute URL"},
		{name: "not Identity Center", tweak: replaceDex(aws, "https://idp.example.com/sso/saml"), want: 1, contains: "not an IAM Identity Center SAML URL", action: policy.ActionWarn},
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
