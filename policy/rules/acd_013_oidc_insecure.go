package rules

// ACD-013 warns of oidc.tls.insecure.skip.verify: "true" in argocd-cm: Argo
// CD then accepts any certificate from the OIDC provider (external or its
// own Dex) when it fetches keys and verifies tokens (util/settings
// settings.go OIDCTLSInsecureSkipVerify). Logins work with it (teams set it
// deliberately for a provider behind a private CA), so it is a warning;
// settings rules can make it a deny.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD013 = policy.Rule{
	ID: "ACD-013", Title: "oidc.tls.insecure.skip.verify turns off TLS verification", Severity: policy.SeverityHigh,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "With oidc.tls.insecure.skip.verify: \"true\" Argo CD skips certificate verification on its connections " +
		"to the OIDC provider, external or the bundled Dex (util/settings/settings.go, OIDCTLSInsecureSkipVerify): " +
		"whoever sits on the path can serve their own signing keys and log in as anyone (the same hole as the " +
		"Workflows insecureSkipVerify of WF-008). Remove the key; give an external provider's CA as oidc.config " +
		"rootCA, and serve Argo CD's url (through which it reaches its Dex) with a trusted certificate. A warning: logins work with it, and teams set it deliberately for a provider " +
		"behind a private CA; settings rules: {ACD-013: deny} refuses it.",
	Check: checkOIDCInsecure,
}

func checkOIDCInsecure(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	// Argo CD turns it on only for exactly "true".
	if !ok || in.obj.Data[sso.KeyOIDCInsecureSkipVerify] != "true" {
		return nil
	}
	return []policy.Finding{{
		Location: in.at(sso.KeyOIDCInsecureSkipVerify, 1, ""),
		Message:  "oidc.tls.insecure.skip.verify is true: Argo CD accepts any certificate from the OIDC provider",
		Detail:   "a man in the middle can answer for the provider (keys, tokens) and forge logins",
		Fix:      "remove the key; for an external provider whose certificate is not publicly trusted, give its CA as oidc.config rootCA; with Dex, serve url with a trusted certificate",
	}}
}
