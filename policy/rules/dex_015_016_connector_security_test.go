package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestDEX015(t *testing.T) {
	ldap := func(extra string) func(f *ssoFixture) {
		return connector("- type: ldap\n  id: ldap\n  name: LDAP\n  config:\n    host: ldap.example.com:636\n    bindPW: $ldap:pw\n" + extra)
	}
	oidc := func(extra string) func(f *ssoFixture) {
		return connector("- type: oidc\n  id: okta\n  name: Okta\n  config:\n    issuer: https://example.okta.com\n    clientSecret: $okta:s\n" + extra)
	}
	runSSOTable(t, "DEX-015", []ssoCase{
		{name: "ldap verified", tweak: ldap("    rootCA: /etc/ca.pem\n    startTLS: false\n"), want: 0},
		{name: "ldap insecureNoSSL", tweak: ldap("    insecureNoSSL: true\n"), want: 1, contains: "insecureNoSSL: true", path: "connectors[1].config.insecureNoSSL"},
		{name: "ldap insecureSkipVerify", tweak: ldap("    insecureSkipVerify: true\n"), want: 1, contains: "insecureSkipVerify"},
		{name: "ldap both", tweak: ldap("    insecureNoSSL: true\n    insecureSkipVerify: true\n"), want: 2},
		{name: "ldap false", tweak: ldap("    insecureNoSSL: false\n    insecureSkipVerify: false\n"), want: 0},
		{name: "oidc insecureSkipVerify", tweak: oidc("    insecureSkipVerify: true\n"), want: 1, contains: `oidc connector "okta"`},
		{name: "oidc key in another case", tweak: oidc("    InsecureSkipVerify: true\n"), want: 1},
		{name: "oidc insecureSkipEmailVerified", tweak: oidc("    insecureSkipEmailVerified: true\n"), want: 1, contains: "insecureSkipEmailVerified"},
		{name: "oauth insecureSkipVerify", tweak: connector("- type: oauth\n  id: o\n  name: O\n  config:\n    tokenURL: https://x/token\n    insecureSkipVerify: true\n"), want: 1},
		{name: "openshift insecureCA", tweak: connector("- type: openshift\n  id: os\n  name: OS\n  config:\n    issuer: https://api.x:6443\n    insecureCA: true\n"), want: 1},
		// The same key name on a connector type that has no such switch is DEX-014's.
		{name: "github has no TLS switch", tweak: connector("- type: github\n  id: gh\n  name: GH\n  config:\n    insecureSkipVerify: true\n"), want: 0},
		// SAML's signature switch is DEX-002's.
		{name: "saml signature switch is DEX-002's", tweak: replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    insecureSkipSignatureValidation: true\n"), want: 0},
	})
	// insecureSkipEmailVerified weakens a check: a warning, not a denial.
	f := newFixture(t)
	oidc("    insecureSkipEmailVerified: true\n    insecureSkipVerify: true\n")(f)
	fs := checkConnectorTLSSwitches(f.snap(t))
	if len(fs) != 2 || fs[0].Action != "" || fs[1].Action != policy.ActionWarn {
		t.Fatalf("want the TLS switch at the rule's action and the e-mail switch softened to warn: %+v", fs)
	}
}

func TestDEX016(t *testing.T) {
	gh := "- type: github\n  id: github\n  name: GitHub\n"
	cfg := "  config:\n    clientID: a\n    clientSecret: $gh:s\n"
	runSSOTable(t, "DEX-016", []ssoCase{
		{name: "orgs inside config", tweak: connector(gh + cfg + "    orgs:\n    - name: my-org\n"), want: 0},
		{name: "orgs beside config", tweak: connector(gh + "  orgs:\n  - name: my-org\n" + cfg), want: 1,
			contains: `github connector "github": orgs is beside config`, path: "connectors[1].orgs"},
		{name: "orgs beside config after it", tweak: connector(gh + cfg + "  orgs:\n  - name: my-org\n"), want: 1},
		{name: "legacy org beside config", tweak: connector(gh + "  org: my-org\n" + cfg), want: 1},
		{name: "orgs both beside and inside: restricted", tweak: connector(gh + "  orgs:\n  - name: x\n" + cfg + "    orgs:\n    - name: my-org\n"), want: 0},
		{name: "saml allowedGroups beside config", tweak: replaceDex("  name: AWS IAM Identity Center\n", "  name: AWS IAM Identity Center\n  allowedGroups: [admins]\n"), want: 1},
		{name: "microsoft tenant beside config", tweak: connector("- type: microsoft\n  id: ms\n  name: MS\n  tenant: example.onmicrosoft.com\n" + cfg), want: 1},
		{name: "gitlab groups beside config", tweak: connector("- type: gitlab\n  id: gl\n  name: GL\n  groups: [my-group]\n" + cfg), want: 1},
		{name: "a non-restriction beside config is DEX-014's", tweak: connector(gh + "  loadAllGroups: true\n" + cfg), want: 0},
	})
}
