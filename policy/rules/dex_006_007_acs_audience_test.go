package rules

import "testing"

func TestDEX006(t *testing.T) {
	runSSOTable(t, "DEX-006", []ssoCase{
		{name: "other redirectURI", tweak: replaceDex("redirectURI: https://argocd.example.com/api/dex/callback", "redirectURI: https://argocd.example.com/callback"),
			want: 1, contains: "is ignored: Argo CD uses https://argocd.example.com/api/dex/callback", line: 11},
		{name: "missing is fine (Argo CD fills it)", tweak: func(f *ssoFixture) { f.dex = removeLine(f.dex, "redirectURI:") }, want: 0},
	})
}

func TestDEX007(t *testing.T) {
	runSSOTable(t, "DEX-007", []ssoCase{
		{name: "other host", tweak: replaceDex("entityIssuer: https://argocd.example.com/api/dex/callback", "entityIssuer: https://dex.example.org/saml"),
			want: 1, contains: "not on Argo CD's host", line: 10},
		{name: "differs from audience in settings", tweak: func(f *ssoFixture) {
			f.settings = fixtureSettings + "\n"
			f.settings = "argocd: {url: https://argocd.example.com, samlAudience: urn:argocd}\nidentity: {provider: aws-iam-identity-center}\n"
		}, want: 1, contains: "differs from the IdP's urn:argocd"},
		{name: "empty entityIssuer falls back to the callback", tweak: func(f *ssoFixture) {
			f.dex = removeLine(f.dex, "entityIssuer:")
			f.settings = "argocd: {url: https://argocd.example.com, samlAudience: https://argocd.example.com/api/dex/callback}\n"
		}, want: 0},
		{name: "URN audience equal to settings", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "entityIssuer:", "    entityIssuer: urn:argocd")
			f.settings = "argocd: {url: https://argocd.example.com, samlAudience: urn:argocd}\n"
		}, want: 0},
	})
}
