package rules

import "testing"

func TestDEX010(t *testing.T) {
	client := "- id: argo-workflows-sso\n  name: Other\n  redirectURIs: [https://x.example.com/cb]\n  secretEnv: X\n"
	runSSOTable(t, "DEX-010", []ssoCase{
		{name: "static client twice", tweak: func(f *ssoFixture) { f.dex += client }, want: 1, contains: `"argo-workflows-sso" is used again (first at line 16)`, line: 21},
		{name: "connector twice", tweak: replaceDex("staticClients:", "- type: oidc\n  id: aws\n  name: x\n  config: {}\nstaticClients:"), want: 1, contains: "connector id"},
	})
}
