package rules

// DEX-014 flags keys in a SAML connector's config that Dex does not read:
// Dex decodes leniently and ignores them, so a typo such as groupAttr for
// groupsAttr silently turns a setting off.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

func init() {
	register(policy.Rule{
		ID: "DEX-014", Title: "unknown key in SAML connector config", Severity: policy.SeverityMedium,
		Category: "dex", Action: policy.ActionWarn,
		Doc: "Dex ignores config keys it does not know (keys match case-insensitively). A misspelt key (groupAttr " +
			"for groupsAttr) leaves the real setting unset without any error. Use the key named in the message.",
		Check: checkSAMLUnknownKeys,
	})
}

func checkSAMLUnknownKeys(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		for _, f := range c.Config {
			if knownSAMLKey(f.Key) {
				continue
			}
			msg := fmt.Sprintf("Dex ignores the unknown SAML config key %q", f.Key)
			fix := "remove it"
			if n := sso.Nearest(f.Key, sso.SAMLKeys); n != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", n)
				fix = "rename it to " + n
			}
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyDexConfig, f.KeyLine, f.Value.Path),
				Message:  msg,
				Fix:      fix,
			})
		}
	}
	return out
}

func knownSAMLKey(k string) bool {
	for _, known := range sso.SAMLKeys {
		if strings.EqualFold(k, known) {
			return true
		}
	}
	return false
}
