package rules

// WF-002 pins sso.issuer to Argo CD's Dex issuer, byte for byte: go-oidc
// refuses a provider whose discovery document names another issuer, and
// Argo CD's Dex announces exactly <argocd url>/api/dex.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleWF002 = policy.Rule{
	ID: "WF-002", Title: "issuer not Argo CD's Dex issuer", Severity: policy.SeverityCritical,
	Category: "workflows", Action: policy.ActionDeny,
	Doc: "When Argo Workflows logs in through Argo CD's Dex, argo-server's OIDC discovery " +
		"(server/auth/sso/sso.go, go-oidc NewProvider) requires the issuer Dex announces, exactly argocd-cm url + " +
		"\"/api/dex\" (util/settings/settings.go IssuerURL), to equal sso.issuer, or sso.issuerAlias when set " +
		"(the server then reaches Dex at issuer, e.g. an in-cluster address). Otherwise argo-server fails " +
		"\"issuer did not match the issuer returned by provider\" and SSO is unavailable. The scheme is " +
		"whatever url says: http://localhost works for local development.",
	Check: checkWFIssuer,
}

func checkWFIssuer(s *policy.Snapshot) []policy.Finding {
	in, ok := loadWorkflows(s)
	if !ok || !in.usesArgoCDDex(s) {
		return nil
	}
	want := sso.IssuerURL(argoCDURL(s))
	if in.cfg.Issuer.Value == want || in.cfg.IssuerAlias.Value == want {
		return nil
	}
	if alias := in.cfg.IssuerAlias; alias.Value != "" {
		return []policy.Finding{{
			Location: in.at(alias),
			Message:  "issuerAlias " + alias.Value + " is not Argo CD's Dex issuer " + want,
			Detail:   "with issuerAlias set, discovery must announce it; Argo CD's Dex announces " + want,
			Fix:      "set issuerAlias: " + want,
		}}
	}
	return []policy.Finding{{
		Location: in.at(in.cfg.Issuer),
		Message:  "issuer " + in.cfg.Issuer.Value + " is not Argo CD's Dex issuer " + want,
		Detail:   "argo-server fails OIDC discovery (\"issuer did not match\") and SSO login is unavailable",
		Fix:      "set issuer: " + want,
	}}
}
