package rules

import "testing"

// connector adds a connector before staticClients in the valid fixture.
func connector(yaml string) func(f *ssoFixture) {
	return replaceDex("staticClients:", yaml+"staticClients:")
}

func TestDEX014(t *testing.T) {
	runSSOTable(t, "DEX-014", []ssoCase{
		{name: "groupAttr", tweak: replaceDex("groupsAttr: groups", "groupAttr: groups"), want: 1, contains: `did you mean "groupsAttr"`, line: 14, path: "connectors[0].config.groupAttr"},
		{name: "nothing near", tweak: replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    color: blue\n"), want: 1, contains: `unknown SAML config key "color"`},
		{name: "case differs only", tweak: replaceDex("groupsAttr: groups", "GroupsAttr: groups"), want: 0},
		{name: "connector keys in another case", tweak: replaceDex("- type: saml\n  id: aws\n  name: AWS", "- Type: saml\n  ID: aws\n  Name: AWS"), want: 0},
		{name: "config key beside config", tweak: replaceDex("  name: AWS IAM Identity Center\n", "  name: AWS IAM Identity Center\n  nameIDPolicyFormat: persistent\n"),
			want: 1, contains: `"nameIDPolicyFormat" is written beside config`, path: "connectors[0].nameIDPolicyFormat"},
		{name: "misspelt connector key", tweak: replaceDex("  name: AWS IAM Identity Center\n", "  name: AWS IAM Identity Center\n  tpye: saml\n"), want: 1, contains: `did you mean "type"`},
		{name: "ldap: all known keys", tweak: connector("- type: ldap\n  id: ldap\n  name: LDAP\n  config:\n    host: ldap.example.com:636\n    rootCA: /etc/ca.pem\n" +
			"    bindDN: cn=svc\n    bindPW: $ldap:pw\n    usernamePrompt: User\n    userSearch: {baseDN: dc=x, username: uid}\n    groupSearch: {baseDN: dc=x}\n"), want: 0},
		{name: "ldap: misspelt", tweak: connector("- type: ldap\n  id: ldap\n  name: LDAP\n  config:\n    host: ldap.example.com:636\n    bindPw: $ldap:pw\n    userSerch: {baseDN: dc=x}\n"),
			want: 1, contains: `unknown LDAP config key "userSerch" (did you mean "userSearch"?)`},
		{name: "oidc: misspelt", tweak: connector("- type: oidc\n  id: okta\n  name: Okta\n  config:\n    issuer: https://x\n    clientID: a\n    clientSecret: $o:s\n    allowedGroup: [admins]\n"),
			want: 1, contains: `did you mean "allowedGroups"`},
		{name: "github: known keys", tweak: connector("- type: github\n  id: gh\n  name: GitHub\n  config:\n    clientID: a\n    clientSecret: $gh:s\n    orgs:\n    - name: my-org\n    loadAllGroups: false\n"), want: 0},
		{name: "unlisted type: config not judged", tweak: connector("- type: keystone\n  id: ks\n  name: KS\n  config:\n    anything: x\n"), want: 0},
		// A restriction beside config is DEX-016's, unless config has it too.
		{name: "restriction beside config is DEX-016's", tweak: connector("- type: github\n  id: gh\n  name: GitHub\n  orgs:\n  - name: my-org\n  config:\n    clientID: a\n"), want: 0},
		{name: "restriction both beside and inside", tweak: connector("- type: github\n  id: gh\n  name: GitHub\n  orgs:\n  - name: x\n  config:\n    clientID: a\n    orgs:\n    - name: my-org\n"),
			want: 1, contains: "beside config"},
	})
}
