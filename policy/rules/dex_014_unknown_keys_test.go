package rules

import "testing"

func TestDEX014(t *testing.T) {
	runSSOTable(t, "DEX-014", []ssoCase{
		{name: "groupAttr", tweak: replaceDex("groupsAttr: groups", "groupAttr: groups"), want: 1, contains: `did you mean "groupsAttr"`, line: 14, path: "connectors[0].config.groupAttr"},
		{name: "nothing near", tweak: replaceDex("    groupsAttr: groups\n", "    groupsAttr: groups\n    color: blue\n"), want: 1, contains: `unknown SAML config key "color"`},
		{name: "case differs only", tweak: replaceDex("groupsAttr: groups", "GroupsAttr: groups"), want: 0},
	})
}
