package rules

// ACD-006 flags dex.config and oidc.config set together: Argo CD then uses
// the external OIDC provider and the Dex login silently disappears.

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD006 = policy.Rule{
	ID: "ACD-006", Title: "both dex.config and oidc.config set", Severity: policy.SeverityMedium,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "When oidc.config is set it takes precedence over Dex for Argo CD's own login: the Dex connectors " +
		"(the SAML login) are no longer offered. Keep one of the two.",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadArgoCD(s)
		if !ok || strings.TrimSpace(in.cm.DexConfig) == "" || strings.TrimSpace(in.cm.OIDCConfig) == "" {
			return nil
		}
		return []policy.Finding{{
			Location: in.at(sso.KeyOIDCConfig, 1, ""),
			Message:  "oidc.config and dex.config are both set: Argo CD uses oidc.config and the Dex login disappears",
			Fix:      "remove oidc.config to log in through Dex, or remove dex.config",
		}}
	},
}
