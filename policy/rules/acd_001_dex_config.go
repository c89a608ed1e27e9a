package rules

// ACD-001 restricts dex.config to what Argo CD can render for Dex: valid
// YAML, a map, with `connectors` a list of maps whose `config` is a map.
// Anything else stops argocd-dex-server ("malformed Dex configuration").

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

func init() {
	register(policy.Rule{
		ID: "ACD-001", Title: "dex.config Argo CD cannot read", Severity: policy.SeverityCritical,
		Category: "argocd", Action: policy.ActionDeny,
		Doc: "argocd-dex-server renders dex.config before starting Dex. When it is not valid YAML, not a map, " +
			"has no `connectors` list, or a connector or its `config` is not a map, it exits (\"malformed Dex " +
			"configuration found\") and nobody can log in with SSO. Fix the YAML at the line named." +
			" Source: Argo CD: util/dex/config.go (\"malformed Dex configuration found\"), cmd/argocd-dex/commands/argocd_dex.go.",
		Check: checkDexConfigReadable,
	})
}

func checkDexConfigReadable(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || strings.TrimSpace(in.cm.DexConfig) == "" {
		return nil
	}
	fix := "make dex.config a YAML map with a `connectors:` list of maps (type, id, name, config)"
	if in.cm.DexErr != nil {
		p, _ := in.cm.DexErr.(sso.Problem)
		return []policy.Finding{{
			Location: in.at(sso.KeyDexConfig, p.Line, p.Path),
			Message:  "dex.config cannot be read: " + msgOf(in.cm.DexErr),
			Detail:   "argocd-dex-server exits on a dex.config it cannot parse; SSO login stops",
			Fix:      fix,
		}}
	}
	var out []policy.Finding
	for _, p := range in.cm.Dex.Problems {
		out = append(out, policy.Finding{
			Location: in.at(sso.KeyDexConfig, p.Line, p.Path),
			Message:  p.Msg,
			Detail:   "Argo CD refuses the Dex configuration (\"malformed Dex configuration found\"); SSO login stops",
			Fix:      fix,
		})
	}
	if len(in.cm.Dex.Problems) == 0 && !in.cm.Dex.ConnectorsSet {
		out = append(out, policy.Finding{
			Location: in.at(sso.KeyDexConfig, 1, "connectors"),
			Message:  "dex.config has no connectors list",
			Detail:   "Argo CD refuses a dex.config without connectors (\"malformed Dex configuration found\"), even one with only staticClients",
			Fix:      "add the connectors: list (the SAML connector) to the same dex.config",
		})
	}
	return out
}

// msgOf renders a parse error without its path prefix.
func msgOf(err error) string {
	if p, ok := err.(sso.Problem); ok {
		return p.Msg
	}
	return err.Error()
}
