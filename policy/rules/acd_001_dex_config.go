package rules

// ACD-001 restricts dex.config to what Argo CD can render for Dex: valid
// YAML, a map, with `connectors` a list of maps whose `config` is a map.
// Anything else stops argocd-dex-server ("malformed Dex configuration").

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD001 = policy.Rule{
	ID: "ACD-001", Title: "dex.config Argo CD cannot read", Severity: policy.SeverityCritical,
	Category: "argocd", Action: policy.ActionDeny,
	Doc: "argocd-dex-server renders dex.config before starting Dex. When it is not valid YAML, not a map, " +
		"has no `connectors` list, or a connector or its `config` is not a map, it exits (\"malformed Dex " +
		"configuration found\") and nobody can log in with SSO. Fix the YAML at the line named." +
		" Source: Argo CD: util/dex/config.go (\"malformed Dex configuration found\"), cmd/argocd-dex/commands/argocd_dex.go.",
	Check: checkDexConfigReadable,
}

// dexSectionKeys are top-level keys of a Dex configuration that are no
// argocd-cm keys: as data keys of their own they mean the lines under
// `dex.config: |` were not indented, so the block ended at once.
var dexSectionKeys = []string{"connectors", "staticClients"}

// indentFix shows the indentation dex.config needs.
const indentFix = "indent every line of the Dex configuration two spaces deeper than `dex.config:`, e.g.\n" +
	"  dex.config: |\n    connectors:\n    - type: saml\n      id: aws"

func checkDexConfigReadable(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, k := range dexSectionKeys {
		if _, stray := in.obj.Data[k]; !stray {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.at(k, 0, ""),
			Message:  k + " is a data key of its own, not part of dex.config: the dex.config block is mis-indented",
			Detail:   "a block scalar (dex.config: |) ends at the first line indented no deeper than its key; Argo CD never passes " + k + " to Dex",
			Fix:      indentFix,
		})
	}
	if strings.TrimSpace(in.cm.DexConfig) == "" {
		return out
	}
	fix := "make dex.config a YAML map with a `connectors:` list of maps (type, id, name, config)"
	if in.cm.DexErr != nil {
		p, _ := in.cm.DexErr.(sso.Problem)
		return append(out, policy.Finding{
			Location: in.at(sso.KeyDexConfig, p.Line, p.Path),
			Message:  "dex.config cannot be read: " + msgOf(in.cm.DexErr),
			Detail:   "argocd-dex-server exits on a dex.config it cannot parse; SSO login stops",
			Fix:      fix,
		})
	}
	for _, p := range in.cm.Dex.Problems {
		out = append(out, policy.Finding{
			Location: in.at(sso.KeyDexConfig, p.Line, p.Path),
			Message:  p.Msg,
			Detail:   "Argo CD refuses the Dex configuration (\"malformed Dex configuration found\"); SSO login stops",
			Fix:      fix,
		})
	}
	if len(in.cm.Dex.Problems) == 0 && !in.cm.Dex.ConnectorsSet && len(out) == 0 {
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
