package rules

import (
	"strings"
	"testing"
)

func TestDEX009(t *testing.T) {
	const aws = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"
	runSSOTable(t, "DEX-009", []ssoCase{
		{name: "sso URL", tweak: replaceDex(aws, "https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>"), want: 1, contains: "<region>", line: 8},
		{name: "caData", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: <base64-encoded-cert>") }, want: 1, contains: "<base64-encoded-cert>"},
		{name: "static client", tweak: replaceDex("- https://workflows.example.com/oauth2/callback", "- https://<workflows-host>/oauth2/callback"), want: 1},
		{name: "yourregion in the sso URL", tweak: replaceDex(aws, "https://portal.sso.yourregion.amazonaws.com/saml/assertion/MzQ1Njc4OTAx"), want: 1, contains: "placeholder yourregion", path: "connectors[0].config.ssoURL"},
		{name: "your- in the sso URL path", tweak: replaceDex("MzQ1Njc4OTAx", "your-app-id"), want: 1, contains: "your-app-id"},
		{name: "YOUR_ in caData", tweak: func(f *ssoFixture) { f.dex = replaceLine(f.dex, "caData:", "    caData: YOUR_BASE64_CERT") }, want: 1, contains: "YOUR_BASE64_CERT"},
		{name: "entityIssuer", tweak: replaceDex("entityIssuer: https://argocd.example.com/api/dex/callback", "entityIssuer: https://your-argocd-host/api/dex/callback"), want: 1, contains: "your-argocd-host"},
		{name: "static client id", tweak: replaceDex("- id: argo-workflows-sso", "- id: YOUR_CLIENT_ID"), want: 1},
		// Real values that merely contain the letters.
		{name: "yourdomain glued into a redirect host", tweak: replaceDex("https://workflows.example.com/oauth2/callback", "https://workflows.yourdomain-example.com/oauth2/callback"), want: 1},
		{name: "word inside another word", tweak: replaceDex("usernameAttr: email", "usernameAttr: flavouryour"), want: 0},
		{name: "real caData decodes: never a placeholder", tweak: func(f *ssoFixture) {}, want: 0},
	})
}

// A placeholder in a secret-bearing key is reported without its text: the
// rest of the value may be the secret.
func TestDEX009SecretKeysNotShown(t *testing.T) {
	for _, key := range []string{"clientSecret", "bindPW", "password"} {
		f := newFixture(t)
		value := "<your-secret>" + secretValue
		replaceDex("staticClients:", "- type: ldap\n  id: ldap\n  name: LDAP\n  config:\n    host: ldap.example.com:636\n    "+key+": \""+value+"\"\nstaticClients:")(f)
		fs := checkDexPlaceholders(f.snap(t))
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings, want 1: %+v", key, len(fs), fs)
		}
		if l := fs[0].Long(); strings.Contains(l, secretValue) || strings.Contains(l, "<your-secret>") {
			t.Fatalf("%s: finding shows the value: %s", key, l)
		}
	}
}
