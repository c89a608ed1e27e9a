package rules

import "testing"

func TestWF002(t *testing.T) {
	runSSOTable(t, "WF-002", []ssoCase{
		{name: "trailing slash", tweak: replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: https://argocd.example.com/api/dex/"),
			want: 1, contains: "is not Argo CD's Dex issuer https://argocd.example.com/api/dex", line: 1, path: "issuer"},
		{name: "http", tweak: replaceSSO("issuer: https://", "issuer: http://"), want: 1},
		{name: "argocd url with slash", tweak: setACD("url", "https://argocd.example.com/"), want: 1, contains: "//api/dex"},
		{name: "another IdP", tweak: replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: https://idp.example.com"), want: 0},
	})
}
