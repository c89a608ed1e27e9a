package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestACD008(t *testing.T) {
	withRef := replaceDex("caData: ", "caData: $dex-saml:caData\n    x: ")
	runSSOTable(t, "ACD-008", []ssoCase{
		{name: "Secret missing", tweak: withRef, want: 1, contains: "Secret argocd/dex-saml does not exist", path: "connectors[0].config.caData", line: 9},
		{name: "key missing", tweak: func(f *ssoFixture) {
			withRef(f)
			f.secrets = append(f.secrets, secret("argocd", "dex-saml", map[string]string{"other": "x"}))
		}, want: 1, contains: `has no key "caData"`},
		{name: "label missing", tweak: func(f *ssoFixture) {
			withRef(f)
			s := secret("argocd", "dex-saml", map[string]string{"caData": "x"})
			s.Labels = nil
			f.secrets = append(f.secrets, s)
		}, want: 1, contains: "lacks the label"},
		{name: "resolves", tweak: func(f *ssoFixture) {
			withRef(f)
			f.secrets = append(f.secrets, secret("argocd", "dex-saml", map[string]string{"caData": "x"}))
		}, want: 0},
		{name: "argocd-secret key", tweak: func(f *ssoFixture) {
			f.acd["oidc.config"] = "clientSecret: $oidc.okta.clientSecret\n"
			f.secrets = append(f.secrets, &policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: "argocd", Name: "argocd-secret"}, Data: map[string]string{}})
		}, want: 1, contains: `argocd-secret has no key "oidc.okta.clientSecret"`},
		{name: "env-style is Dex's environment", tweak: replaceDex("caData: ", "caData: $DEX_CA\n    x: "), want: 0},
		{name: "secrets unknown", tweak: func(f *ssoFixture) { withRef(f); f.known = false }, want: 0},
	})
}
