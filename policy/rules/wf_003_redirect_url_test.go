package rules

import "testing"

func TestWF003(t *testing.T) {
	cb := "redirectUrl: https://workflows.example.com/oauth2/callback"
	runSSOTable(t, "WF-003", []ssoCase{
		{name: "Argo CD host (the guide)", tweak: replaceSSO(cb, "redirectUrl: https://argocd.example.com/oauth2/callback"),
			want: 1, contains: "on Argo CD's host", line: 8, path: "redirectUrl"},
		{name: "http", tweak: replaceSSO(cb, "redirectUrl: http://workflows.example.com/oauth2/callback"), want: 1, contains: "not https"},
		{name: "other path", tweak: replaceSSO(cb, "redirectUrl: https://workflows.example.com/callback"), want: 1, contains: "/oauth2/callback"},
		{name: "relative", tweak: replaceSSO(cb, "redirectUrl: /oauth2/callback"), want: 1, contains: "not an absolute URL"},
		{name: "empty (derived per request)", tweak: replaceSSO(cb, ""), want: 0},
	})
}
