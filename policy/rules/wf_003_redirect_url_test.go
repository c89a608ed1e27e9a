package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestWF003(t *testing.T) {
	cb := "redirectUrl: https://workflows.example.com/oauth2/callback"
	runSSOTable(t, "WF-003", []ssoCase{
		{name: "Argo CD host (the guide)", tweak: replaceSSO(cb, "redirectUrl: https://argocd.example.com/oauth2/callback"),
			want: 1, contains: "on Argo CD's host", line: 8, path: "redirectUrl", action: policy.ActionDeny},
		{name: "http", tweak: replaceSSO(cb, "redirectUrl: http://workflows.example.com/oauth2/callback"), want: 1, contains: "non-loopback", action: policy.ActionDeny},
		{name: "http on localhost", tweak: replaceSSO(cb, "redirectUrl: http://localhost:2746/oauth2/callback"), want: 0},
		{name: "http on 127.0.0.1", tweak: replaceSSO(cb, "redirectUrl: http://127.0.0.1:2746/oauth2/callback"), want: 0},
		{name: "base href", tweak: replaceSSO(cb, "redirectUrl: https://workflows.example.com/argo/oauth2/callback"), want: 0},
		{name: "Argo CD under a root path, its callback", tweak: func(f *ssoFixture) {
			f.acd["url"] = "https://tools.example.com/argocd"
			replaceSSO(cb, "redirectUrl: https://tools.example.com/argocd/oauth2/callback")(f)
		}, want: 1, contains: "on Argo CD's host", action: policy.ActionDeny},
		{name: "Argo CD and Workflows under root paths of one host", tweak: func(f *ssoFixture) {
			f.acd["url"] = "https://tools.example.com/argocd"
			replaceSSO(cb, "redirectUrl: https://tools.example.com/workflows/oauth2/callback")(f)
		}, want: 1, contains: "make sure this path is routed", action: policy.ActionWarn},
		{name: "other path", tweak: replaceSSO(cb, "redirectUrl: https://workflows.example.com/callback"), want: 1, contains: "/oauth2/callback"},
		{name: "relative", tweak: replaceSSO(cb, "redirectUrl: /oauth2/callback"), want: 1, contains: "not an absolute URL"},
		{name: "empty (derived per request)", tweak: replaceSSO(cb, ""), want: 0},
	})
}
