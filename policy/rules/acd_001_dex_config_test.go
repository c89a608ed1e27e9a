package rules

import (
	"strings"
	"testing"
)

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
		// dex.config: | followed by lines at the key's own indentation: the
		// block ends at once and connectors becomes a key of argocd-cm.
		{name: "mis-indented block: connectors a data key", tweak: func(f *ssoFixture) {
			f.dex = ""
			f.acd["connectors"] = "- type: saml"
		}, want: 1, contains: "mis-indented", path: ""},
		{name: "mis-indented after logger: one finding, not also no connectors", tweak: func(f *ssoFixture) {
			f.dex = "logger:\n  level: info\n"
			f.acd["staticClients"] = "- id: x"
		}, want: 1, contains: "staticClients is a data key of its own"},
	})
	// The fix shows the indentation.
	f := newFixture(t)
	f.dex = ""
	f.acd["connectors"] = "x"
	if fs := checkDexConfigReadable(f.snap(t)); len(fs) != 1 || !strings.Contains(fs[0].Fix, "  dex.config: |\n    connectors:") {
		t.Fatalf("fix does not show the indentation: %+v", fs)
	}
}
