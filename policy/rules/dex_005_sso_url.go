package rules

// DEX-005 restricts the SAML ssoURL: Dex sends the login request there, so
// it must be https (http only on a loopback host, a local test IdP), and
// for AWS IAM Identity Center the portal's SAML URL.

import (
	"net/url"
	"regexp"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// awsSSOURL is IAM Identity Center's SAML sign-in URL
// (https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>).
var awsSSOURL = regexp.MustCompile(`^https://portal\.sso\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/saml/assertion/[A-Za-z0-9_=+/-]+$`)

var ruleDEX005 = policy.Rule{
	ID: "DEX-005", Title: "SAML ssoURL not https / not Identity Center", Severity: policy.SeverityHigh,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex's SAML connector (connector/saml/saml.go, POSTData) sends the browser to ssoURL with the login " +
		"request; over http on a real host the request and the user's password and session travel in clear " +
		"(http on localhost, 127.0.0.1 or [::1] is a local test IdP and passes). With AWS IAM Identity Center " +
		"it must be the application's \"IAM Identity Center sign-in URL\" " +
		"(https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>). Another URL there is a warning: it " +
		"is judged against the shape of Identity Center URLs and the settings' provider, a guess that the " +
		"configuration may not share (another IdP may be in use on purpose).",
	Check: checkSSOURL,
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
		case err != nil || u.Host == "":
			out = append(out, policy.Finding{
				Location: in.atDex(v),
				Message:  "ssoURL " + v.Value + " is not an absolute URL",
				Fix:      "use the IdP's https SAML sign-in URL",
			})
		case cleartextProblem(u) != "":
			out = append(out, policy.Finding{
				Location: in.atDex(v),
				Message:  "ssoURL " + v.Value + " " + cleartextProblem(u),
				Fix:      "use the IdP's https SAML sign-in URL",
			})
		case in.set.Identity.Provider == settings.ProviderAWS && !awsSSOURL.MatchString(v.Value):
			out = append(out, policy.Finding{
				Action:   policy.ActionWarn, // a shape check against the settings' provider
				Location: in.atDex(v),
				Message:  "ssoURL " + v.Value + " is not an IAM Identity Center SAML URL",
				Fix:      "copy the application's \"IAM Identity Center sign-in URL\" (https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>)",
			})
		}
	}
	return out
}
