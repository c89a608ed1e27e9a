package rules

import "testing"

func TestACD014(t *testing.T) {
	oidc := func(body string) func(f *ssoFixture) {
		return func(f *ssoFixture) {
			f.dex = ""
			f.acd["oidc.config"] = "name: Okta\nissuer: https://example.okta.com\nclientID: argo\nclientSecret: $oidc.clientSecret\n" + body
		}
	}
	runSSOTable(t, "ACD-014", []ssoCase{
		{name: "every known key", tweak: oidc("requestedScopes: [openid, groups]\nrequestedIDTokenClaims: {groups: {essential: true}}\n" +
			"enablePKCEAuthentication: true\nrootCA: x\nlogoutURL: https://x\ncliClientID: c\nallowedAudiences: [a]\n" +
			"skipAudienceCheckWhenTokenHasNoAudience: false\nazure: {useWorkloadIdentity: true}\nrefreshTokenThreshold: 5m\n"), want: 0},
		{name: "other case matches (encoding/json)", tweak: oidc("RequestedScopes: [openid]\nclientId: x\n"), want: 0},
		{name: "misspelt key", tweak: oidc("requestedScope: [openid, groups]\n"), want: 1, contains: `did you mean "requestedScopes"`, line: 5, path: "requestedScope"},
		{name: "TLS switch in the wrong place", tweak: oidc("insecureSkipVerify: true\n"), want: 1, contains: `unknown oidc.config key "insecureSkipVerify"`},
		{name: "azure key", tweak: oidc("azure:\n  useWorkloadIdentiy: true\n"), want: 1, contains: `did you mean "useWorkloadIdentity"`},
		{name: "no oidc.config", tweak: func(f *ssoFixture) {}, want: 0},
		{name: "mis-indented oidc.config block", tweak: func(f *ssoFixture) {
			f.dex = ""
			f.acd["oidc.config"] = ""
			f.acd["issuer"] = "https://example.okta.com"
			f.acd["clientID"] = "argo"
		}, want: 2, contains: "the oidc.config block is mis-indented"},
		{name: "issuer key without oidc.config is not judged", tweak: setACD("issuer", "x"), want: 0},
	})
}
