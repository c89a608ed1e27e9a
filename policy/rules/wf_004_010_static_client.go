package rules

// WF-004 and WF-010 tie Argo Workflows to a Dex static client in argocd-cm:
// Dex accepts the login only for a registered client id whose
// redirectURIs hold redirectUrl exactly (WF-004); with the Secrets known,
// the client id in the Workflows Secret must be such a static client's id
// (WF-010; the guide pastes the IdP's SAML URL there).

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
)

var ruleWF004 = policy.Rule{
	ID: "WF-004", Title: "no Dex static client for Workflows", Severity: policy.SeverityHigh,
	Category: "workflows", Action: policy.ActionDeny,
	Doc: "Argo Workflows logs in as a client of Argo CD's Dex. dex.config needs a staticClients entry whose " +
		"id is the Workflows client id and whose redirectURIs contain sso.redirectUrl exactly; otherwise Dex " +
		"answers \"Unregistered redirect_uri\" or \"Invalid client_id\"." +
		" Source: Dex: server/authflow/request.go (\"Unregistered redirect_uri.\", \"Invalid client_id.\").",
	Check: checkWFStaticClient,
}

var ruleWF010 = policy.Rule{
	ID: "WF-010", Title: "Workflows client id is not a Dex static client id", Severity: policy.SeverityHigh,
	Category: "workflows", Action: policy.ActionDeny, ClusterOnly: true,
	Doc: "The value of the Secret key sso.clientId names must be the id of a Dex static client (e.g. " +
		"argo-workflows-sso). The guide puts the IdP's SAML URL there, which Dex rejects (\"Invalid client_id\"). " +
		"Needs the Secret (cluster, or the Secret file given to the CLI)." +
		" Source: Dex: server/authflow/request.go (\"Invalid client_id.\").",
	Check: checkWFClientIDValue,
}

func checkWFStaticClient(s *policy.Snapshot) []policy.Finding {
	in, ok := loadWorkflows(s)
	if !ok || !in.usesArgoCDDex(s) {
		return nil
	}
	dex := argoDex(s)
	if dex == nil {
		return nil
	}
	redirect := in.cfg.RedirectURL.Value
	example := "staticClients: [{id: argo-workflows-sso, name: Argo Workflows, redirectURIs: [" + orDefault(in.workflowsCallback(), redirect) + "], secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET}]"
	loc := in.at(in.cfg.RedirectURL)
	if !in.cfg.RedirectURL.Set {
		loc = in.at(in.cfg.ClientID.Name)
	}
	if len(dex.StaticClients) == 0 {
		return []policy.Finding{{
			Location: loc,
			Message:  "argocd-cm dex.config has no staticClients, so Dex does not know the Workflows client",
			Detail:   "Dex refuses the Workflows login (Invalid client_id)",
			Fix:      "add to dex.config " + example + " and put the same id in the Workflows Secret",
		}}
	}
	if id, known := in.clientIDValue(s); known {
		c := dex.StaticClientByID(id)
		if c != nil && redirect != "" && !c.HasRedirect(redirect) {
			return []policy.Finding{{
				Location: loc,
				Message:  fmt.Sprintf("Dex static client %s does not list redirectUrl %s in its redirectURIs", c.Path, redirect),
				Detail:   "Dex answers \"Unregistered redirect_uri\"",
				Fix:      "add " + redirect + " to that static client's redirectURIs",
			}}
		}
		if c != nil || redirect == "" {
			return nil
		}
	}
	if redirect == "" {
		return nil
	}
	for i := range dex.StaticClients {
		if dex.StaticClients[i].HasRedirect(redirect) {
			return nil
		}
	}
	return []policy.Finding{{
		Location: loc,
		Message:  "no Dex static client lists redirectUrl " + redirect + " in its redirectURIs",
		Detail:   "Dex answers \"Unregistered redirect_uri\"",
		Fix:      "add " + redirect + " to the redirectURIs of the Workflows static client in dex.config",
	}}
}

func checkWFClientIDValue(s *policy.Snapshot) []policy.Finding {
	in, ok := loadWorkflows(s)
	if !ok || !in.usesArgoCDDex(s) {
		return nil
	}
	dex := argoDex(s)
	id, known := in.clientIDValue(s)
	if dex == nil || !known || dex.StaticClientByID(id) != nil {
		return nil
	}
	ref := in.cfg.ClientID
	what := "is not the id of any Dex static client"
	if hostOf(id) != "" {
		what += "; it is a URL (the IdP's SAML sign-in URL?), not a client id"
	}
	return []policy.Finding{{
		Location: in.at(ref.Name),
		Message:  fmt.Sprintf("the client id in Secret %s/%s key %s %s (value not shown)", in.namespace(), ref.Name.Value, ref.Key.Value, what),
		Detail:   "Dex rejects the Workflows login (Invalid client_id)",
		Fix:      "set the Secret's " + ref.Key.Value + " to the id of the Workflows static client in dex.config (e.g. argo-workflows-sso)",
	}}
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	if def != "" {
		return def
	}
	return "https://<workflows host>/oauth2/callback"
}
