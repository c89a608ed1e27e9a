package rules

// ACD-004 forbids anonymous access: with users.anonymous.enabled "true"
// everyone who can reach Argo CD gets policy.default without logging in.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

func init() {
	register(policy.Rule{
		ID: "ACD-004", Title: "anonymous access enabled", Severity: policy.SeverityCritical,
		Category: "argocd", Action: policy.ActionDeny,
		Doc: "With users.anonymous.enabled: \"true\" Argo CD serves every unauthenticated visitor with the " +
			"permissions of policy.default. Remove the key or set it to \"false\".",
		Check: func(s *policy.Snapshot) []policy.Finding {
			in, ok := loadArgoCD(s)
			if !ok || !in.cm.AnonymousEnabled {
				return nil
			}
			return []policy.Finding{{
				Location: in.at(sso.KeyAnonymousEnabled, 1, ""),
				Message:  "anonymous access is enabled: anyone who reaches Argo CD gets policy.default without logging in",
				Fix:      `remove users.anonymous.enabled or set it to "false"`,
			}}
		},
	})
}
