package rules

// DEX-005 restricts the SAML ssoURL: Dex sends the login request there, so
// it must be https, and for AWS IAM Identity Center the portal's SAML URL.

import (
	"net/url"
	"regexp"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// awsSSOURL is IAM Identity Center's SAML sign-in URL
// (https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>).
var awsSSOURL = regexp.MustCompile(`^https://portal\.sso\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/saml/assertion/[A-Za-z0-9_=+/-]+$`)

func init() {
	register(policy.Rule{
		ID: "DEX-005", Title: "SAML ssoURL not https / not Identity Center", Severity: policy.SeverityHigh,
		Category: "dex", Action: policy.ActionDeny,
		Doc: "Dex redirects users to ssoURL with the SAML request; over http the request and the user's session " +
			"can be intercepted. With AWS IAM Identity Center it must be the application's \"IAM Identity Center " +
			"sign-in URL\": https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>.",
		Check: checkSSOURL,
	})
}

func checkSSOURL(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		v := c.SAML.SSOURL
		if v.Value == "" || findPlaceholder(v.Value, true) != "" {
			continue // DEX-001, DEX-009
		}
		u, err := url.Parse(v.Value)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "":
			out = append(out, policy.Finding{
				Location: in.atDex(v),
				Message:  "ssoURL " + v.Value + " is not an https URL",
				Fix:      "use the IdP's https SAML sign-in URL",
			})
		case in.set.Identity.Provider == settings.ProviderAWS && !awsSSOURL.MatchString(v.Value):
			out = append(out, policy.Finding{
				Location: in.atDex(v),
				Message:  "ssoURL " + v.Value + " is not an IAM Identity Center SAML URL",
				Fix:      "copy the application's \"IAM Identity Center sign-in URL\" (https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>)",
			})
		}
	}
	return out
}
