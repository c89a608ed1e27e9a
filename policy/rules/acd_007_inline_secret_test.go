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
