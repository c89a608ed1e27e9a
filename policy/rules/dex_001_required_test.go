package rules

import "testing"

func TestDEX001(t *testing.T) {
	runSSOTable(t, "DEX-001", []ssoCase{
		{name: "no ssoURL", tweak: replaceDex("    ssoURL: https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx\n", ""),
			want: 1, contains: "lacks ssoURL", path: "connectors[0].config", line: 7},
		{name: "no attributes", tweak: replaceDex("    usernameAttr: email\n    emailAttr: email\n", ""), want: 1, contains: "usernameAttr, emailAttr"},
		{name: "no CA", tweak: func(f *ssoFixture) { f.dex = removeLine(f.dex, "caData:") }, want: 1, contains: "ca or caData"},
		{name: "no CA, signatures skipped (DEX-002's)", tweak: func(f *ssoFixture) {
			f.dex = replaceLine(f.dex, "caData:", "    insecureSkipSignatureValidation: true")
		}, want: 0},
		{name: "metadataURL replaces ssoURL and CA", tweak: func(f *ssoFixture) {
			f.dex = removeLine(replaceLine(f.dex, "caData:", "    metadataURL: https://idp.example.com/metadata"), "ssoURL:")
		}, want: 0},
		{name: "keys match case-insensitively", tweak: replaceDex("usernameAttr: email", "UsernameAttr: email"), want: 0},
		{name: "not a SAML connector", tweak: replaceDex("type: saml", "type: oidc"), want: 0},
	})
}
