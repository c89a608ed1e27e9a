package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestWF004(t *testing.T) {
	runSSOTable(t, "WF-004", []ssoCase{
		{name: "no static clients (the guide)", tweak: func(f *ssoFixture) { f.dex = f.dex[:indexOf(f.dex, "staticClients:")] },
			want: 1, contains: "no staticClients", path: "redirectUrl", line: 8},
		{name: "redirect not registered", tweak: replaceDex("- https://workflows.example.com/oauth2/callback", "- https://workflows.example.com/oauth2/callback/"),
			want: 1, contains: "does not list redirectUrl"},
		{name: "secrets unknown, redirect registered elsewhere", tweak: func(f *ssoFixture) {
			f.known = false
			f.dex = replaceIn2(f.dex, "- https://workflows.example.com/oauth2/callback", "- https://w.example.com/oauth2/callback")
		}, want: 1, contains: "no Dex static client lists redirectUrl"},
		{name: "Workflows uses another IdP", tweak: func(f *ssoFixture) {
			f.dex = f.dex[:indexOf(f.dex, "staticClients:")]
			f.sso = replaceIn3(f.sso, "issuer: https://argocd.example.com/api/dex", "issuer: https://idp.example.com")
		}, want: 0},
		{name: "no argocd-cm dex.config", tweak: func(f *ssoFixture) { f.dex = "" }, want: 0},
	})
}

func TestWF010(t *testing.T) {
	samlURL := "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"
	runSSOTable(t, "WF-010", []ssoCase{
		{name: "SAML URL as client id (the guide)", tweak: func(f *ssoFixture) {
			f.secrets = []*policy.Object{secret("argo", "argo-workflows-sso", map[string]string{"client-id": samlURL, "client-secret": secretValue})}
		}, want: 1, contains: "it is a URL", path: "clientId.name"},
		{name: "unknown id", tweak: func(f *ssoFixture) {
			f.secrets = []*policy.Object{secret("argo", "argo-workflows-sso", map[string]string{"client-id": "workflows", "client-secret": secretValue})}
		}, want: 1, contains: "not the id of any Dex static client"},
		{name: "secrets unknown", tweak: func(f *ssoFixture) {
			f.known = false
			f.secrets = []*policy.Object{secret("argo", "argo-workflows-sso", map[string]string{"client-id": samlURL})}
		}, want: 0},
		{name: "Secret missing is WF-005's", tweak: func(f *ssoFixture) { f.secrets = nil }, want: 0},
	})
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	panic("no " + sub)
}

func replaceIn3(s, old, new string) string {
	i := indexOf(s, old)
	return s[:i] + new + s[i+len(old):]
}
