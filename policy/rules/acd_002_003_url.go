package rules

// ACD-002 and ACD-003 restrict argocd-cm `url`: Dex is ignored without it,
// and every SSO URL (Dex issuer, ACS URL, callbacks) is derived from it, so
// it must be a clean absolute URL: https, or http on a loopback host; a
// root path is allowed, a trailing slash is not.

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD002 = policy.Rule{
	ID: "ACD-002", Title: "dex.config set but url empty", Severity: policy.SeverityCritical,
	Category: "argocd", Action: policy.ActionDeny,
	Doc: "Argo CD treats Dex as configured only when `url` is set: with dex.config but no url, " +
		"argocd-dex-server logs \"dex is not configured\" and the SSO button disappears. Set url to Argo CD's external URL." +
		" Source: Argo CD: util/settings/settings.go (IsDexConfigured), cmd/argocd-dex/commands/argocd_dex.go.",
	Check: checkURLMissing,
}

var ruleACD003 = policy.Rule{
	ID: "ACD-003", Title: "url not a clean absolute URL", Severity: policy.SeverityHigh,
	Category: "argocd", Action: policy.ActionDeny,
	Doc: "Argo CD derives Dex's issuer as url + \"/api/dex\" by concatenation and the callbacks " +
		"(<url>/api/dex/callback, <url>/auth/callback) by joining paths (util/settings/settings.go IssuerURL, " +
		"DexRedirectURL, RedirectURL). A trailing slash gives \"//api/dex\" (404 at login); spaces, a query or a " +
		"fragment break every derived URL; plain http on a host other than localhost, 127.0.0.1 or [::1] sends " +
		"logins and tokens in clear. http on a loopback host is the documented local development setup and a " +
		"path (https://example.com/argocd) is supported when argocd-server serves under that root path " +
		"(server/server.go withRootPath, server.rootpath): both pass. Write url as https://host[/path] with no " +
		"trailing slash; additionalUrls likewise.",
	Check: checkURLShape,
}

func checkURLMissing(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || strings.TrimSpace(in.cm.DexConfig) == "" || in.cm.URL != "" {
		return nil
	}
	fix := "set url to Argo CD's external URL, e.g. url: https://argocd.example.com"
	if u := in.set.ArgoCD.URL; u != "" {
		fix = "set url: " + u
	}
	return []policy.Finding{{
		Location: in.at(sso.KeyURL, 0, ""),
		Message:  "dex.config is set but url is empty, so Argo CD does not start Dex",
		Detail:   "argocd-dex-server logs \"dex is not configured\"; the SSO login button is missing",
		Fix:      fix,
	}}
}

func checkURLShape(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if in.cm.URL != "" {
		if why := urlShapeProblem(in.cm.URL); why != "" {
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyURL, 1, ""),
				Message:  "url " + why,
				Detail:   "Dex's issuer and the SAML ACS URL are derived from url; logins fail, or travel in clear over http",
				Fix:      "write url as https://<host>[/<path>] with no trailing slash, query or fragment",
			})
		}
	}
	if in.cm.AdditionalURLsErr != nil {
		out = append(out, policy.Finding{
			Location: in.at(sso.KeyAdditionalURLs, 1, ""),
			Message:  "additionalUrls is not a YAML list of URLs: " + msgOf(in.cm.AdditionalURLsErr),
			Fix:      "write additionalUrls as a YAML list: additionalUrls: '[https://other.example.com]'",
		})
	}
	for i, u := range in.cm.AdditionalURLs {
		if why := urlShapeProblem(u); why != "" {
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyAdditionalURLs, 1, fmt.Sprintf("[%d]", i)),
				Message:  "additional URL " + why,
				Fix:      "write each additional URL as https://<host>[/<path>] with no trailing slash",
			})
		}
	}
	return out
}

// urlShapeProblem says what is wrong with an Argo CD URL, or "".
func urlShapeProblem(raw string) string {
	// A guide's placeholder (https://argocd.<your-domain>) is named as such,
	// not as a malformed URL: the fix is to fill it in.
	if ph := findPlaceholder(raw, true); ph != "" {
		return fmt.Sprintf("%q still holds the placeholder %s", raw, ph)
	}
	if strings.TrimSpace(raw) != raw || strings.ContainsAny(raw, " \t") {
		return fmt.Sprintf("%q contains spaces", raw)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute URL", raw)
	}
	if why := cleartextProblem(u); why != "" {
		return fmt.Sprintf("%q %s", raw, why)
	}
	switch {
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Sprintf("%q has a query or fragment", raw)
	case strings.HasSuffix(u.Path, "/"):
		return fmt.Sprintf("%q ends with a slash (Dex's issuer becomes %s)", raw, sso.IssuerURL(raw))
	}
	return ""
}
