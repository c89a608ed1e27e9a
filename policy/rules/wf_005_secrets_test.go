package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestWF005(t *testing.T) {
	runSSOTable(t, "WF-005", []ssoCase{
		{name: "Secret in argocd (the guide)", tweak: func(f *ssoFixture) {
			f.secrets = []*policy.Object{secret("argocd", "argo-workflows-sso", map[string]string{"client-id": "argo-workflows-sso", "client-secret": secretValue})}
		}, want: 1, contains: "is in namespace argocd, not argo", path: "clientId.name", line: 3},
		{name: "Secret nowhere", tweak: func(f *ssoFixture) { f.secrets = nil }, want: 1, contains: "is not in namespace argo"},
		{name: "key missing", tweak: func(f *ssoFixture) {
			f.secrets = []*policy.Object{secret("argo", "argo-workflows-sso", map[string]string{"client-id": "argo-workflows-sso"})}
		}, want: 1, contains: `has no key "client-secret"`, path: "clientSecret.key", line: 7},
		{name: "name missing (no Secrets needed)", tweak: func(f *ssoFixture) {
			f.known = false
			f.sso = replaceIn3(f.sso, "clientSecret:\n  name: argo-workflows-sso\n  key: client-secret\n", "clientSecret:\n  key: client-secret\n")
		}, want: 1, contains: "clientSecret must give both name and key"},
		{name: "clientId absent", tweak: func(f *ssoFixture) {
			f.sso = replaceIn3(f.sso, "clientId:\n  name: argo-workflows-sso\n  key: client-id\n", "")
		}, want: 1, contains: "clientId must give both"},
		{name: "secrets unknown", tweak: func(f *ssoFixture) { f.known = false; f.secrets = nil }, want: 0},
	})
}
