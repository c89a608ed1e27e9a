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
		{name: "http", tweak: setACD("url", "http://argocd.example.com"), want: 1, contains: "not https"},
		{name: "path", tweak: setACD("url", "https://example.com/argo-cd"), want: 1, contains: "has a path"},
		{name: "query", tweak: setACD("url", "https://argocd.example.com?x=1"), want: 1, contains: "query"},
		{name: "space", tweak: setACD("url", "https://argocd.example.com "), want: 1, contains: "spaces"},
		{name: "relative", tweak: setACD("url", "argocd.example.com"), want: 1, contains: "not an absolute URL"},
		{name: "additionalUrls not a list", tweak: setACD("additionalUrls", "https://a.example.com"), want: 1, contains: "not a YAML list"},
		{name: "additional URL http", tweak: setACD("additionalUrls", "[https://a.example.com, http://b.example.com]"), want: 1, contains: "not https", path: "[1]"},
		{name: "additional URLs fine", tweak: setACD("additionalUrls", "[https://a.example.com]"), want: 0},
	})
}
