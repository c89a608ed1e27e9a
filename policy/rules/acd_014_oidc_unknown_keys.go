package rules

// ACD-014 flags keys of oidc.config that Argo CD does not read: it decodes
// oidc.config leniently and case-insensitively into its oidcConfig struct
// (util/settings/settings.go), so a misspelt key is dropped silently.
// oidc.config's clientSecret written inline is ACD-007's.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD014 = policy.Rule{
	ID: "ACD-014", Title: "unknown key in oidc.config", Severity: policy.SeverityMedium,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "Argo CD reads oidc.config into its OIDCConfig struct (util/settings/settings.go) with a lenient " +
		"decoder: keys match case-insensitively and unknown keys are dropped without a message, so a misspelt " +
		"key (requestedScope for requestedScopes) leaves the setting unset; another case (clientId) is fine. A TLS switch written there " +
		"(insecureSkipVerify) is ignored too: Argo CD's is the argocd-cm key oidc.tls.insecure.skip.verify. " +
		"Keys such as issuer or clientSecret written as data keys beside an empty oidc.config mean the block " +
		"was not indented. Use the key named in the message.",
	Check: checkOIDCUnknownKeys,
}

// oidcSectionKeys are oidc.config keys that are no argocd-cm keys: as
// data keys of their own beside a blank oidc.config they mean the block
// under `oidc.config: |` was not indented.
var oidcSectionKeys = []string{"issuer", "clientID", "clientSecret", "requestedScopes", "requestedIDTokenClaims", "cliClientID"}

func checkOIDCUnknownKeys(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if v, set := in.obj.Data[sso.KeyOIDCConfig]; set && strings.TrimSpace(v) == "" {
		for _, k := range oidcSectionKeys {
			if _, stray := in.obj.Data[k]; stray {
				out = append(out, policy.Finding{
					Location: in.at(k, 0, ""),
					Message:  k + " is a data key of its own, not part of oidc.config: the oidc.config block is mis-indented",
					Detail:   "oidc.config is empty, so Argo CD has no OIDC login; the keys below it were meant to be its content",
					Fix:      "indent every line of the OIDC configuration two spaces deeper than `oidc.config:`, e.g.\n  oidc.config: |\n    name: Okta\n    issuer: https://...",
				})
			}
		}
	}
	if in.cm.OIDC == nil {
		return out
	}
	report := func(f sso.Field, known []string, where string) {
		for _, k := range known {
			if strings.EqualFold(k, f.Key) {
				return
			}
		}
		msg := fmt.Sprintf("Argo CD ignores the unknown %s key %q", where, f.Key)
		fix := "remove it"
		switch n := sso.Nearest(f.Key, known); {
		case strings.EqualFold(f.Key, "insecureSkipVerify"):
			fix = "remove it (Argo CD ignores it); verify the provider with rootCA instead of turning verification off"
		case n != "":
			msg += fmt.Sprintf(" (did you mean %q?)", n)
			fix = "rename it to " + n
		}
		out = append(out, policy.Finding{
			Location: in.at(sso.KeyOIDCConfig, f.KeyLine, f.Value.Path),
			Message:  msg,
			Fix:      fix,
		})
	}
	for _, f := range in.cm.OIDC.Fields {
		report(f, sso.OIDCKeys, "oidc.config")
	}
	for _, f := range in.cm.OIDC.Azure {
		report(f, sso.OIDCAzureKeys, "oidc.config azure")
	}
	return out
}
