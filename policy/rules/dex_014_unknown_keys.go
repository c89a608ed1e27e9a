package rules

// DEX-014 flags keys Dex does not read: in a connector's config (for the
// connector types argoguard knows the keys of) and beside `config` at the
// connector level. Dex decodes leniently (cmd/dex/config.go: plain
// encoding/json unless the config_disallow_unknown_fields feature flag is
// on) and ignores them, so a typo such as groupAttr for groupsAttr, or a
// config key written one level too high, silently turns a setting off.
// Login restrictions written beside config are DEX-016's.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleDEX014 = policy.Rule{
	ID: "DEX-014", Title: "unknown key in a Dex connector", Severity: policy.SeverityMedium,
	Category: "dex", Action: policy.ActionWarn,
	Doc: "Dex ignores config keys it does not know (cmd/dex/config.go decodes with encoding/json, keys match " +
		"case-insensitively; with its config_disallow_unknown_fields feature flag it refuses to start instead). A " +
		"misspelt key (groupAttr for groupsAttr) leaves the real setting unset without any error, and so does a " +
		"config key written beside `config` instead of inside it. Connector-level keys are type, id, name and " +
		"config; the config keys checked are those of the saml, ldap, oidc, oauth, github, gitea, gitlab, google, " +
		"microsoft, bitbucket-cloud and openshift connectors. Use the key named in the message.",
	Check: checkConnectorUnknownKeys,
}

func checkConnectorUnknownKeys(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.cm.Dex.Connectors {
		typ := c.Type.Value
		known := sso.ConnectorKeys(typ)
		for _, f := range c.Extra {
			if k := sso.LoginRestrictionKey(typ, f.Key); k != "" && !c.Get(k).Set {
				continue // DEX-016: a dropped restriction
			}
			msg := fmt.Sprintf("Dex ignores the connector key %q (only type, id, name and config)", f.Key)
			fix := "remove it"
			if sso.KnownConnectorKey(typ, f.Key) != "" {
				msg = fmt.Sprintf("%q is written beside config: Dex ignores it there", f.Key)
				fix = "indent it under config: (it is a " + typ + " config key)"
			} else if n := sso.Nearest(f.Key, []string{"type", "id", "name", "config"}); n != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", n)
				fix = "rename it to " + n
			}
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyDexConfig, f.KeyLine, f.Value.Path),
				Message:  msg,
				Fix:      fix,
			})
		}
		if known == nil {
			continue
		}
		for _, f := range c.Config {
			if sso.KnownConnectorKey(typ, f.Key) != "" {
				continue
			}
			msg := fmt.Sprintf("Dex ignores the unknown %s config key %q", connectorKind(typ), f.Key)
			fix := "remove it"
			if n := sso.Nearest(f.Key, known); n != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", n)
				fix = "rename it to " + n
			}
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyDexConfig, f.KeyLine, f.Value.Path),
				Message:  msg,
				Fix:      fix,
			})
		}
	}
	return out
}

// connectorKind names a connector type for messages (SAML, LDAP, OIDC, github).
func connectorKind(typ string) string {
	switch typ {
	case "saml", "ldap", "oidc":
		return strings.ToUpper(typ)
	}
	return typ
}
