package rules

import "testing"

func TestACD002(t *testing.T) {
	runSSOTable(t, "ACD-002", []ssoCase{
		{name: "url missing", tweak: func(f *ssoFixture) { delete(f.acd, "url") }, want: 1, contains: "url is empty"},
		{name: "url empty", tweak: setACD("url", ""), want: 1},
		{name: "no dex.config", tweak: func(f *ssoFixture) { delete(f.acd, "url"); f.dex = "" }, want: 0},
	})
}

func TestACD003(t *testing.T) {
	runSSOTable(t, "ACD-003", []ssoCase{
		{name: "trailing slash", tweak: setACD("url", "https://argocd.example.com/"), want: 1, contains: "//api/dex"},
		{name: "http", tweak: setACD("url", "http://argocd.example.com"), want: 1, contains: "non-loopback"},
		{name: "http on a private address", tweak: setACD("url", "http://10.0.0.5:8080"), want: 1, contains: "non-loopback"},
		{name: "not http at all", tweak: setACD("url", "ftp://argocd.example.com"), want: 1, contains: "not an http(s) URL"},
		// The documented local development setups work: no finding.
		{name: "http on localhost", tweak: setACD("url", "http://localhost:8080"), want: 0},
		{name: "placeholder host", tweak: setACD("url", "https://argocd.<your-domain>"), want: 1, contains: "placeholder <your-domain>"},
		{name: "your-placeholder host", tweak: setACD("url", "https://argocd.yourcompany.com"), want: 1, contains: "placeholder yourcompany"},
		{name: "a real domain starting with your", tweak: setACD("url", "https://argocd.yourbank.example"), want: 0},
		{name: "http on 127.0.0.1", tweak: setACD("url", "http://127.0.0.1:8080"), want: 0},
		{name: "http on [::1]", tweak: setACD("url", "http://[::1]:8080"), want: 0},
		// A root path is served by argocd-server --rootpath; its callbacks follow the path.
		{name: "path", tweak: setACD("url", "https://example.com/argo-cd"), want: 0},
		{name: "path with trailing slash", tweak: setACD("url", "https://example.com/argo-cd/"), want: 1, contains: "https://example.com/argo-cd//api/dex"},
		{name: "query", tweak: setACD("url", "https://argocd.example.com?x=1"), want: 1, contains: "query"},
		{name: "fragment", tweak: setACD("url", "https://argocd.example.com/argocd#x"), want: 1, contains: "fragment"},
		{name: "space", tweak: setACD("url", "https://argocd.example.com "), want: 1, contains: "spaces"},
		{name: "relative", tweak: setACD("url", "argocd.example.com"), want: 1, contains: "not an absolute URL"},
		{name: "additionalUrls not a list", tweak: setACD("additionalUrls", "https://a.example.com"), want: 1, contains: "not a YAML list"},
		{name: "additional URL http", tweak: setACD("additionalUrls", "[https://a.example.com, http://b.example.com]"), want: 1, contains: "non-loopback", path: "[1]"},
		{name: "additional URLs fine", tweak: setACD("additionalUrls", "[https://a.example.com, https://b.example.com/argocd, http://localhost:8080]"), want: 0},
	})
}
