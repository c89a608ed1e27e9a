package rules

// ACD-007 forbids secrets written inline in dex.config and oidc.config
// (util/settings resolves `$` references in both): argocd-cm is
// readable by anyone who may read ConfigMaps in the namespace and lands in
// Git, so client secrets belong in a Secret, referenced as `$name:key`, or
// in Dex's environment (`secretEnv`).

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

// inlineSecretKeys are connector config keys that hold a credential.
var inlineSecretKeys = []string{"clientSecret", "bindPW", "password"}

var ruleACD007 = policy.Rule{
	ID: "ACD-007", Title: "secret written inline in dex.config or oidc.config", Severity: policy.SeverityHigh,
	Category: "argocd", Action: policy.ActionDeny,
	Doc: "A connector clientSecret, bindPW or password, a static client secret, or the clientSecret of " +
		"oidc.config (Argo CD's util/settings/settings.go resolves `$` references in it as in dex.config) " +
		"written in argocd-cm is readable by everyone " +
		"who can read ConfigMaps and ends up in Git. Put it in a Secret labelled app.kubernetes.io/part-of: argocd " +
		"and write `$<secret>:<key>`, or use secretEnv for static clients." +
		" Source: A security hole, not a failure: Argo CD substitutes $-references (util/settings/settings.go ReplaceStringSecret) so the Secret is the place for it.",
	Check: checkInlineSecrets,
}

func checkInlineSecrets(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if o := in.cm.OIDC; o != nil {
		// Argo CD decodes oidc.config case-insensitively: ClientSecret is clientSecret.
		for _, f := range o.Fields {
			if strings.EqualFold(f.Key, "clientSecret") && f.Value.Value != "" && !strings.HasPrefix(f.Value.Value, "$") {
				out = append(out, policy.Finding{
					Location: in.at(sso.KeyOIDCConfig, f.Value.Line, f.Value.Path),
					Message:  "oidc.config clientSecret is written inline (value not shown)",
					Detail:   "argocd-cm is readable by everyone who can read ConfigMaps and is usually in Git",
					Fix:      "put it in argocd-secret and write $<key>, or in a Secret labelled app.kubernetes.io/part-of: argocd and write $<secret>:<key>",
				})
			}
		}
	}
	if in.cm.Dex == nil {
		return out
	}
	for _, c := range in.cm.Dex.Connectors {
		for _, f := range c.Config {
			for _, k := range inlineSecretKeys {
				if strings.EqualFold(f.Key, k) && f.Value.Value != "" && !strings.HasPrefix(f.Value.Value, "$") {
					out = append(out, policy.Finding{
						Location: in.atDex(f.Value),
						Message:  "connector " + k + " is written inline (value not shown)",
						Detail:   "argocd-cm is readable by everyone who can read ConfigMaps and is usually in Git",
						Fix:      "move it to a Secret labelled app.kubernetes.io/part-of: argocd and write $<secret>:<key>",
					})
				}
			}
		}
	}
	for _, c := range in.cm.Dex.StaticClients {
		if v := c.Secret.Value; v != "" && !strings.HasPrefix(v, "$") {
			out = append(out, policy.Finding{
				Location: in.atDex(c.Secret),
				Message:  "static client secret is written inline (value not shown)",
				Detail:   "argocd-cm is readable by everyone who can read ConfigMaps and is usually in Git",
				Fix:      "use secretEnv (an env var of the Dex container from a Secret) or secret: $<secret>:<key>",
			})
		}
	}
	return out
}
