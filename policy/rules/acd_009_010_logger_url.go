package rules

// ACD-009 keeps Dex's logger off debug (it logs SAML assertions and e-mail
// addresses); ACD-010 pins url to the URL the settings expect, so a copy
// from another environment is caught before logins break.

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD009 = policy.Rule{
	ID: "ACD-009", Title: "Dex logger at debug", Severity: policy.SeverityLow,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "At debug level Dex logs SAML assertions, e-mail addresses and group memberships of every login. " +
		"Use logger.level: info outside a troubleshooting session.",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadArgoCD(s)
		if !ok || in.cm.Dex == nil || !strings.EqualFold(in.cm.Dex.Logger.Level.Value, "debug") {
			return nil
		}
		return []policy.Finding{{
			Location: in.atDex(in.cm.Dex.Logger.Level),
			Message:  "the Dex logger is at debug: SAML assertions and e-mail addresses end up in the logs",
			Fix:      "set logger.level: info",
		}}
	},
}

var ruleACD010 = policy.Rule{
	ID: "ACD-010", Title: "url differs from the expected Argo CD URL", Severity: policy.SeverityMedium,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "The settings name Argo CD's external URL (argocd.url). A different url in argocd-cm (often copied " +
		"from another environment) changes Dex's issuer and the SAML ACS URL, and logins fail.",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadArgoCD(s)
		if !ok {
			return nil
		}
		want := in.set.ArgoCD.URL
		if want == "" || in.cm.URL == "" || in.cm.URL == want {
			return nil
		}
		return []policy.Finding{{
			Location: in.at(sso.KeyURL, 1, ""),
			Message:  "url " + in.cm.URL + " differs from the expected " + want,
			Fix:      "set url: " + want + " (or fix argocd.url in the settings)",
		}}
	},
}
