package rules

import "testing"

func TestACD007(t *testing.T) {
	runSSOTable(t, "ACD-007", []ssoCase{
		{name: "static client secret", tweak: replaceDex("secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET", "secret: "+secretValue),
			want: 1, contains: "value not shown", path: "staticClients[0].secret", line: 20},
		{name: "static client reference", tweak: replaceDex("secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET", "secret: $argo-workflows-sso:client-secret"), want: 0},
		{name: "oidc connector clientSecret", tweak: replaceDex("staticClients:",
			"- type: oidc\n  id: okta\n  name: Okta\n  config:\n    clientID: a\n    clientSecret: "+secretValue+"\nstaticClients:"),
			want: 1, contains: "clientSecret", path: "connectors[1].config.clientSecret"},
		{name: "oidc connector reference", tweak: replaceDex("staticClients:",
			"- type: oidc\n  id: okta\n  name: Okta\n  config:\n    clientSecret: $okta:secret\nstaticClients:"), want: 0},
	})
}

func TestACD007OIDCConfig(t *testing.T) {
	oidc := func(body string) func(f *ssoFixture) {
		return func(f *ssoFixture) {
			f.dex = ""
			f.acd["oidc.config"] = "name: Okta\nissuer: https://example.okta.com\nclientID: argo\n" + body
		}
	}
	runSSOTable(t, "ACD-007", []ssoCase{
		{name: "inline clientSecret", tweak: oidc("clientSecret: " + secretValue + "\n"), want: 1, contains: "oidc.config clientSecret is written inline", path: "clientSecret", line: 4},
		{name: "key in another case", tweak: oidc("ClientSecret: " + secretValue + "\n"), want: 1, contains: "value not shown"},
		{name: "argocd-secret reference", tweak: oidc("clientSecret: $oidc.okta.clientSecret\n"), want: 0},
		{name: "labelled Secret reference", tweak: oidc("clientSecret: $okta:clientSecret\n"), want: 0},
		{name: "public client without secret", tweak: oidc("enablePKCEAuthentication: true\n"), want: 0},
	})
}
