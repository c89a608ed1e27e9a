package rules

import "testing"

func TestACD004(t *testing.T) {
	runSSOTable(t, "ACD-004", []ssoCase{
		{name: "enabled", tweak: setACD("users.anonymous.enabled", "true"), want: 1, contains: "anonymous access is enabled"},
		// Argo CD enables anonymous access only for exactly "true".
		{name: "True is not true", tweak: setACD("users.anonymous.enabled", "True"), want: 0},
		{name: "false", tweak: setACD("users.anonymous.enabled", "false"), want: 0},
	})
}
