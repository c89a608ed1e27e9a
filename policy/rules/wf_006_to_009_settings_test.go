package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestWF006(t *testing.T) {
	runSSOTable(t, "WF-006", []ssoCase{
		{name: "rbac missing (the guide)", tweak: replaceSSO("rbac:\n  enabled: true\n", ""), want: 1, contains: "rbac.enabled is not true", path: "rbac"},
		{name: "rbac false", tweak: replaceSSO("enabled: true", "enabled: false"), want: 1, line: 11, path: "rbac.enabled"},
	})
}

func TestWF007(t *testing.T) {
	runSSOTable(t, "WF-007", []ssoCase{
		{name: "no groups scope", tweak: replaceSSO("scopes: [groups, email]", "scopes: [email]"), want: 1, contains: "lack groups", line: 9},
		{name: "no scopes", tweak: replaceSSO("scopes: [groups, email]\n", ""), want: 1},
		{name: "other IdP with its own group claim", tweak: func(f *ssoFixture) {
			f.sso = replaceIn3(replaceIn3(f.sso, "scopes: [groups, email]", "scopes: [email]\ncustomGroupClaimName: cognito:groups"),
				"issuer: https://argocd.example.com/api/dex", "issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc")
		}, want: 0},
		{name: "other IdP without a group claim", tweak: func(f *ssoFixture) {
			f.sso = replaceIn3(replaceIn3(f.sso, "scopes: [groups, email]", "scopes: [email]"),
				"issuer: https://argocd.example.com/api/dex", "issuer: https://idp.example.com")
		}, want: 1, contains: "most providers"},
		{name: "Argo CD's Dex ignores customGroupClaimName's claim", tweak: replaceSSO("scopes: [groups, email]", "scopes: [email]\ncustomGroupClaimName: roles"),
			want: 1, contains: "see no groups"},
		{name: "rbac off", tweak: func(f *ssoFixture) {
			f.sso = replaceIn3(replaceIn3(f.sso, "scopes: [groups, email]\n", ""), "enabled: true", "enabled: false")
		}, want: 0},
	})
}

func TestWF008(t *testing.T) {
	runSSOTable(t, "WF-008", []ssoCase{
		// Logins work with it (a private CA): a warning, never a deny.
		{name: "skip verify", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 8h\ninsecureSkipVerify: true"), want: 1, contains: "not checked", line: 13, action: policy.ActionWarn},
		{name: "false", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 8h\ninsecureSkipVerify: false"), want: 0},
	})
}

func TestWF009(t *testing.T) {
	runSSOTable(t, "WF-009", []ssoCase{
		{name: "a week", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 168h"), want: 1, contains: "longer than 24h", line: 12},
		{name: "24h", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 24h"), want: 0},
		{name: "not a duration is WF-011's", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 7d"), want: 0},
	})
}
