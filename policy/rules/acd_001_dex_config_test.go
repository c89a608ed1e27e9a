package rules

import "testing"

func TestACD001(t *testing.T) {
	runSSOTable(t, "ACD-001", []ssoCase{
		{name: "not YAML", tweak: func(f *ssoFixture) { f.dex = "connectors: [\n" }, want: 1, contains: "cannot be read"},
		{name: "not a map", tweak: func(f *ssoFixture) { f.dex = "- type: saml\n" }, want: 1, contains: "not a map"},
		{name: "connectors a string", tweak: func(f *ssoFixture) { f.dex = "connectors: saml\n" }, want: 1, contains: "not a list", path: "connectors", line: 1},
		{name: "connector a string", tweak: replaceDex("- type: saml\n  id: aws", "- saml\n- type: saml\n  id: aws"), want: 1, contains: "not a map", path: "connectors[0]"},
		{name: "config a list", tweak: func(f *ssoFixture) {
			f.dex = "connectors:\n- type: saml\n  id: a\n  name: a\n  config: [a]\n"
		}, want: 1, contains: "config is a list", path: "connectors[0].config", line: 5},
		{name: "no connectors", tweak: func(f *ssoFixture) {
			f.dex = "staticClients:\n- id: x\n  name: x\n  secretEnv: X\n"
		}, want: 1, contains: "no connectors list"},
		{name: "alias bomb", tweak: func(f *ssoFixture) {
			f.dex = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
				"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nconnectors: *e\n"
		}, want: 1, contains: "aliases expand"},
		{name: "empty dex.config is not checked", tweak: func(f *ssoFixture) { f.dex = "" }, want: 0},
	})
}
