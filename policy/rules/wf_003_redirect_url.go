package rules

// WF-003 restricts sso.redirectUrl: it is where Dex sends the browser back
// with the code, so it must be the Workflows server's own https
// /oauth2/callback, never a path on Argo CD's host.

import (
	"net/url"

	"github.com/argoguard/argoguard/policy"
)

func init() {
	register(policy.Rule{
		ID: "WF-003", Title: "redirectUrl not the Workflows server's callback", Severity: policy.SeverityHigh,
		Category: "workflows", Action: policy.ActionDeny,
		Doc: "argo-server handles the OIDC callback at <workflows url>/oauth2/callback. A redirectUrl on Argo CD's " +
			"host sends the code to Argo CD (login fails, or leaks the code to another app), http exposes it, and " +
			"another path is not served. Set it to https://<workflows host>/oauth2/callback.",
		Check: checkWFRedirectURL,
	})
}

func checkWFRedirectURL(s *policy.Snapshot) []policy.Finding {
	in, ok := loadWorkflows(s)
	if !ok || in.cfg.RedirectURL.Value == "" {
		return nil
	}
	v := in.cfg.RedirectURL
	fix := "set redirectUrl to https://<workflows host>/oauth2/callback"
	if cb := in.workflowsCallback(); cb != "" {
		fix = "set redirectUrl: " + cb
	}
	u, err := url.Parse(v.Value)
	var why string
	acd := argoCDURL(s)
	switch {
	case err != nil || u.Host == "":
		why = "is not an absolute URL"
	case u.Scheme != "https":
		why = "is not https"
	case acd != "" && hostOf(v.Value) == hostOf(acd):
		why = "is on Argo CD's host " + hostOf(acd) + "; the Workflows server's own host is needed"
	case u.Path != "/oauth2/callback":
		why = "does not end in /oauth2/callback, the path argo-server serves"
	}
	if why == "" {
		return nil
	}
	return []policy.Finding{{
		Location: in.at(v),
		Message:  "redirectUrl " + v.Value + " " + why,
		Detail:   "Dex sends the browser back to redirectUrl; the Workflows login fails",
		Fix:      fix,
	}}
}
