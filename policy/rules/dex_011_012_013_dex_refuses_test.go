package rules

import "testing"

func TestDEX011(t *testing.T) {
	add := func(v string) func(*ssoFixture) {
		return replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    nameIDPolicyFormat: "+v+"\n")
	}
	runSSOTable(t, "DEX-011", []ssoCase{
		{name: "email", tweak: add("email"), want: 1, contains: `"email" is unknown`, line: 15},
		{name: "emailAddress", tweak: add("emailAddress"), want: 0},
		{name: "full URN", tweak: add("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"), want: 0},
	})
}

func TestDEX012(t *testing.T) {
	runSSOTable(t, "DEX-012", []ssoCase{
		{name: "no type", tweak: replaceDex("- type: saml\n  id: aws", "- id: aws"), want: 1, contains: "no type"},
		{name: "unknown type", tweak: replaceDex("type: saml", "type: saml2"), want: 1, contains: `"saml2" is unknown`},
		{name: "no name", tweak: replaceDex("  name: AWS IAM Identity Center\n", ""), want: 1, contains: "lacks name"},
		{name: "client without name", tweak: replaceDex("  name: Argo Workflows\n", ""), want: 1, contains: "has no name"},
		{name: "client id and idEnv", tweak: replaceDex("  name: Argo Workflows\n", "  name: Argo Workflows\n  idEnv: X\n"), want: 1, contains: "exactly one of id and idEnv"},
		{name: "client secret and secretEnv", tweak: replaceDex("  name: Argo Workflows\n", "  name: Argo Workflows\n  secret: $s:k\n"), want: 1, contains: "exactly one of secret and secretEnv"},
		{name: "client without secret", tweak: replaceDex("  secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET\n", ""), want: 1},
		{name: "public client without secret", tweak: replaceDex("  secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET\n", "  public: true\n"), want: 0},
	})
}

func TestDEX013(t *testing.T) {
	runSSOTable(t, "DEX-013", []ssoCase{
		{name: "argo-cd", tweak: replaceDex("- id: argo-workflows-sso", "- id: argo-cd"), want: 1, contains: "replaces Argo CD's own client", line: 16},
		{name: "argo-cd-cli", tweak: replaceDex("- id: argo-workflows-sso", "- id: argo-cd-cli"), want: 1},
		{name: "argo-cd-workflows", tweak: replaceDex("- id: argo-workflows-sso", "- id: argo-cd-workflows"), want: 0},
	})
}
