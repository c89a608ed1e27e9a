package rules

// WF-003 restricts sso.redirectUrl: it is where Dex sends the browser back
// with the code, so it must be a path argo-server serves (<base
// href>oauth2/callback), over https (http only on a loopback host), and
// not Argo CD's own callback address.

import (
	"net/url"
	"path"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

var ruleWF003 = policy.Rule{
	ID: "WF-003", Title: "redirectUrl not the Workflows server's callback", Severity: policy.SeverityHigh,
	Category: "workflows", Action: policy.ActionDeny,
	Doc: "argo-server handles the OIDC callback at /oauth2/callback behind its base href " +
		"(server/apiserver/argoserver.go registers it; server/auth/sso/sso.go derives " +
		"<proto>://<host><baseHRef>oauth2/callback when redirectUrl is empty). Denied: a redirectUrl whose path " +
		"does not end in /oauth2/callback (not served, the login fails), one that is <argocd url>/oauth2/callback " +
		"(Argo CD answers it, the login fails), and plain http on a host other than localhost, 127.0.0.1 or " +
		"[::1] (the code travels in clear). http on a loopback host is the local development setup and passes. " +
		"Another path on Argo CD's host (path-based routing) may work and is a warning. Set it to " +
		"https://<workflows host>[/<base href>]/oauth2/callback.",
	Check: checkWFRedirectURL,
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
	action := policy.Action("") // the rule's deny
	acd := argoCDURL(s)
	switch {
	case err != nil || u.Host == "":
		why = "is not an absolute URL"
	case cleartextProblem(u) != "":
		why = cleartextProblem(u)
	case acd != "" && hostOf(v.Value) == hostOf(acd) && sameCleanPath(u.Path, argoCDPath(acd)+"/oauth2/callback"):
		why = "is on Argo CD's host " + hostOf(acd) + "; the Workflows server's own host is needed"
	case !strings.HasSuffix(u.Path, "/oauth2/callback"):
		why = "does not end in /oauth2/callback, the path argo-server serves"
	case acd != "" && hostOf(v.Value) == hostOf(acd):
		// Path-based routing can send this path to argo-server: a guess.
		why, action = "shares Argo CD's host "+hostOf(acd)+"; make sure this path is routed to argo-server", policy.ActionWarn
	}
	if why == "" {
		return nil
	}
	return []policy.Finding{{
		Action:   action,
		Location: in.at(v),
		Message:  "redirectUrl " + v.Value + " " + why,
		Detail:   "Dex sends the browser back to redirectUrl; the Workflows login fails unless argo-server answers it",
		Fix:      fix,
	}}
}

// argoCDPath is the root path of Argo CD's url ("" at the host's root).
func argoCDPath(acd string) string {
	u, err := url.Parse(strings.TrimSpace(acd))
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

func sameCleanPath(a, b string) bool { return path.Clean("/"+a) == path.Clean("/"+b) }
