package rules

// DEX-006 and DEX-007 keep the SAML connector's addresses consistent with
// Argo CD: Argo CD overwrites redirectURI with <url>/api/dex/callback (the
// ACS URL the IdP must post to), and the audience Dex expects
// (entityIssuer) must be the IdP's "Application SAML audience".

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleDEX006 = policy.Rule{
	ID: "DEX-006", Title: "redirectURI differs from <url>/api/dex/callback", Severity: policy.SeverityMedium,
	Category: "dex", Action: policy.ActionWarn,
	Doc: "Argo CD replaces every connector's redirectURI with <url>/api/dex/callback. A different value is " +
		"ignored, and suggests the IdP's ACS URL was set to it: Dex then rejects responses (\"expected " +
		"destination\"). Set redirectURI and the IdP's ACS URL to <url>/api/dex/callback.",
	Check: checkRedirectURI,
}

var ruleDEX007 = policy.Rule{
	ID: "DEX-007", Title: "entityIssuer not the expected SAML audience", Severity: policy.SeverityHigh,
	Category: "dex", Action: policy.ActionWarn,
	Doc: "Dex requires the assertion's audience to equal entityIssuer (or redirectURI when empty). It must be " +
		"the IdP's \"Application SAML audience\" (settings argocd.samlAudience), and on Argo CD's host; " +
		"otherwise every login fails with \"required audience ... was not in Response audiences\".",
	Check: checkEntityIssuer,
}

func checkRedirectURI(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.URL == "" {
		return nil
	}
	want := sso.DexCallbackURL(in.cm.URL)
	var out []policy.Finding
	for _, c := range in.saml() {
		v := c.SAML.RedirectURI
		if v.Value == "" || v.Value == want {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atDex(v),
			Message:  "redirectURI " + v.Value + " is ignored: Argo CD uses " + want,
			Detail:   "the IdP's ACS URL must be " + want + " or Dex rejects the response",
			Fix:      "set redirectURI (and the IdP's Application ACS URL) to " + want,
		})
	}
	return out
}

func checkEntityIssuer(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		sc := c.SAML
		audience, where := sc.EntityIssuer.Value, sc.EntityIssuer
		if audience == "" {
			if in.cm.URL == "" {
				continue
			}
			// Dex falls back to redirectURI, which Argo CD sets.
			audience, where = sso.DexCallbackURL(in.cm.URL), sso.Str{Path: c.Path + ".config", Line: c.ConfigLine}
		}
		if want := in.set.ArgoCD.SAMLAudience; want != "" && audience != want {
			out = append(out, policy.Finding{
				Location: in.atDex(where),
				Message:  "the SAML audience Dex expects (" + audience + ") differs from the IdP's " + want,
				Detail:   "every login fails: \"required audience ... was not in Response audiences\"",
				Fix:      "set entityIssuer: " + want + " (or fix argocd.samlAudience in the settings)",
			})
			continue
		}
		// Without an expected audience, an entityIssuer URL on another host
		// than Argo CD is most likely copied from another setup; a URN is
		// a deliberate name and not judged.
		h := hostOf(sc.EntityIssuer.Value)
		if in.set.ArgoCD.SAMLAudience == "" && h != "" && in.cm.URL != "" && h != hostOf(in.cm.URL) {
			out = append(out, policy.Finding{
				Location: in.atDex(sc.EntityIssuer),
				Message:  "entityIssuer " + sc.EntityIssuer.Value + " is not on Argo CD's host " + hostOf(in.cm.URL),
				Fix:      "set entityIssuer (and the IdP's Application SAML audience) to " + sso.DexCallbackURL(in.cm.URL),
			})
		}
	}
	return out
}
