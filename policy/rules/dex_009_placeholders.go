package rules

// DEX-009 catches placeholders copied from a guide into dex.config
// (<region>, <id>, <base64-encoded-cert>): Dex starts, but logins go
// nowhere or fail signature checks.

import (
	"regexp"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

// placeholder is a guide placeholder such as <region> or <your-id>.
var placeholder = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9 _.-]*>`)

func hasPlaceholder(v string) bool { return placeholder.MatchString(v) }

func init() {
	register(policy.Rule{
		ID: "DEX-009", Title: "placeholder left in dex.config", Severity: policy.SeverityHigh,
		Category: "dex", Action: policy.ActionDeny,
		Doc: "A value such as https://portal.sso.<region>.amazonaws.com/saml/assertion/<id> or caData: " +
			"<base64-encoded-cert> was copied from a guide without filling it in. Replace it with the value from " +
			"the IdP's application page." +
			" Source: Dex: connector/saml/saml.go (ssoURL and caData used as written).",
		Check: checkDexPlaceholders,
	})
}

func checkDexPlaceholders(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	flag := func(v sso.Str) {
		if m := placeholder.FindString(v.Value); m != "" {
			out = append(out, policy.Finding{
				Location: in.atDex(v),
				Message:  "placeholder " + m + " left in the value",
				Fix:      "replace " + m + " with the real value from the IdP's application page",
			})
		}
	}
	for _, c := range in.cm.Dex.Connectors {
		for _, f := range c.Config {
			flag(f.Value)
		}
	}
	for _, c := range in.cm.Dex.StaticClients {
		flag(c.ID)
		for _, u := range c.RedirectURIs {
			flag(u)
		}
	}
	return out
}
