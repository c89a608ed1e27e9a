package rules

import "testing"

func TestWF002(t *testing.T) {
	runSSOTable(t, "WF-002", []ssoCase{
		{name: "trailing slash", tweak: replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: https://argocd.example.com/api/dex/"),
			want: 1, contains: "is not Argo CD's Dex issuer https://argocd.example.com/api/dex", line: 1, path: "issuer"},
		{name: "http", tweak: replaceSSO("issuer: https://", "issuer: http://"), want: 1},
		{name: "argocd url with slash", tweak: setACD("url", "https://argocd.example.com/"), want: 1, contains: "//api/dex"},
		{name: "http on localhost, matching url", tweak: func(f *ssoFixture) {
			f.acd["url"] = "http://localhost:8080"
			replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: http://localhost:8080/api/dex")(f)
		}, want: 0},
		{name: "Argo CD under a root path", tweak: func(f *ssoFixture) {
			f.acd["url"] = "https://tools.example.com/argocd"
			replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: https://tools.example.com/argocd/api/dex")(f)
		}, want: 0},
		{name: "root path missing from the issuer", tweak: func(f *ssoFixture) {
			f.acd["url"] = "https://tools.example.com/argocd"
			replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: https://tools.example.com/api/dex")(f)
		}, want: 1, contains: "https://tools.example.com/argocd/api/dex"},
		{name: "in-cluster issuer with the alias Dex announces", tweak: replaceSSO("issuer: https://argocd.example.com/api/dex",
			"issuer: http://argocd-dex-server.argocd.svc.cluster.local:5556/api/dex\nissuerAlias: https://argocd.example.com/api/dex"), want: 0},
		{name: "alias with a trailing slash", tweak: replaceSSO("issuer: https://argocd.example.com/api/dex",
			"issuer: http://argocd-dex-server.argocd.svc.cluster.local:5556/api/dex\nissuerAlias: https://argocd.example.com/api/dex/"),
			want: 1, contains: "issuerAlias", path: "issuerAlias"},
		{name: "another IdP", tweak: replaceSSO("issuer: https://argocd.example.com/api/dex", "issuer: https://idp.example.com"), want: 0},
	})
}
