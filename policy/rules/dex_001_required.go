package rules

// DEX-001 requires the SAML connector fields Dex cannot start without:
// ssoURL, usernameAttr, emailAttr, and a CA (ca or caData) unless
// signature validation is switched off (which DEX-002 forbids).

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
)

var ruleDEX001 = policy.Rule{
	ID: "DEX-001", Title: "SAML connector field missing", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex's SAML connector refuses to open without ssoURL, usernameAttr, emailAttr and exactly one of " +
		"ca/caData (\"missing required field\", \"must provide either 'ca' or 'caData'\"). The SSO login then fails " +
		"or disappears. For AWS IAM Identity Center: ssoURL is the IAM Identity Center sign-in URL, caData the " +
		"base64 of the IdP certificate PEM, usernameAttr and emailAttr `email`." +
		" Source: Dex: connector/saml/saml.go (openConnector).",
	Check: checkSAMLRequired,
}

func checkSAMLRequired(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		sc := c.SAML
		var missing []string
		if sc.SSOURL.Value == "" && sc.MetadataURL.Value == "" {
			missing = append(missing, "ssoURL")
		}
		if sc.UsernameAttr.Value == "" {
			missing = append(missing, "usernameAttr")
		}
		if sc.EmailAttr.Value == "" {
			missing = append(missing, "emailAttr")
		}
		if sc.CA.Value == "" && sc.CAData.Value == "" && !sc.SkipsSignatures() && sc.MetadataURL.Value == "" {
			missing = append(missing, "ca or caData")
		}
		if len(missing) == 0 {
			continue
		}
		loc := in.at("dex.config", c.ConfigLine, c.Path+".config")
		if !c.ConfigSet {
			loc = in.at("dex.config", c.Line, c.Path)
		}
		out = append(out, policy.Finding{
			Location: loc,
			Message:  "SAML connector " + c.ID.Value + " lacks " + strings.Join(missing, ", "),
			Detail:   "Dex refuses to open the connector; the SSO login fails",
			Fix:      "add " + strings.Join(missing, ", ") + " to the connector's config",
		})
	}
	return out
}
