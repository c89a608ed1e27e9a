package rules

import "testing"

func TestWF001(t *testing.T) {
	runSSOTable(t, "WF-001", []ssoCase{
		{name: "not YAML", tweak: func(f *ssoFixture) { f.sso = "issuer: [\n" }, want: 1, contains: "not valid YAML"},
		{name: "Helm's enabled", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 8h\nenabled: true"), want: 1, contains: `unknown field "enabled"`, path: "enabled", line: 13},
		{name: "typo", tweak: replaceSSO("redirectUrl:", "redirectUri:"), want: 1, contains: `did you mean "redirectUrl"`},
		{name: "rbac bool", tweak: replaceSSO("rbac:\n  enabled: true", "rbac: true"), want: 1, contains: "rbac is a boolean"},
		{name: "clientId string", tweak: replaceSSO("clientId:\n  name: argo-workflows-sso\n  key: client-id", "clientId: argo-workflows-sso"), want: 1, contains: "must name a Secret key"},
		{name: "unknown field in config key", tweak: func(f *ssoFixture) {
			f.wf = map[string]string{"config": "sso:\n  issuer: https://argocd.example.com/api/dex\n  clientID: {name: a, key: b, extra: c}\n"}
		}, want: 1, contains: `unknown field "extra"`, path: "sso.clientID.extra", line: 3},
		{name: "keys match case-insensitively", tweak: replaceSSO("redirectUrl:", "redirectURL:"), want: 0},
		{name: "rbac dedented to a key of its own", tweak: func(f *ssoFixture) {
			f.wf = map[string]string{"sso": "issuer: https://argocd.example.com/api/dex\n", "rbac": "enabled: true\n"}
		}, want: 1, contains: `"rbac" is a field of sso written as a ConfigMap key of its own`},
		{name: "other controller keys beside sso", tweak: func(f *ssoFixture) { f.wf = map[string]string{"sso": f.sso, "parallelism": "3"} }, want: 0},
	})
}

func TestWF011(t *testing.T) {
	runSSOTable(t, "WF-011", []ssoCase{
		{name: "config beside sso", tweak: func(f *ssoFixture) { f.wf = map[string]string{"config": "parallelism: 3\n", "sso": f.sso} }, want: 1, contains: "must be the only key"},
		{name: "duplicate key", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 8h\nissuer: https://x.example.com"), want: 1, contains: `"issuer" is set twice`, line: 13},
		{name: "scopes string", tweak: replaceSSO("scopes: [groups, email]", "scopes: groups"), want: 1, contains: "not a list", path: "scopes"},
		{name: "session days", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 1d"), want: 1, contains: "not a Go duration"},
		{name: "session number", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 10"), want: 1},
		{name: "regex", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 8h\nfilterGroupsRegex: ['argo-(']"), want: 1, contains: "does not compile"},
		{name: "regex fine", tweak: replaceSSO("sessionExpiry: 8h", "sessionExpiry: 8h\nfilterGroupsRegex: ['^argo-']"), want: 0},
	})
}
