package rules

// DEX-011, DEX-012 and DEX-013 catch what stops Dex or Argo CD's own login:
// an unknown nameIDPolicyFormat, a connector without a known type (or id,
// name, config), a static client Dex refuses, and a static client that
// takes over one of Argo CD's own client ids.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

// argoCDClientIDs are the static clients Argo CD adds to Dex itself.
var argoCDClientIDs = map[string]bool{"argo-cd": true, "argo-cd-cli": true, "argo-cd-pkce": true}

var ruleDEX011 = policy.Rule{
	ID: "DEX-011", Title: "unknown nameIDPolicyFormat", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex accepts a full NameID format URN or its last part (persistent, emailAddress, unspecified, " +
		"transient, ...); anything else stops the connector (\"invalid nameIDPolicyFormat\"). Leave it out for " +
		"persistent, or write emailAddress." +
		" Source: Dex: connector/saml/saml.go (nameIDFormatLookup).",
	Check: checkNameIDFormat,
}

var ruleDEX012 = policy.Rule{
	ID: "DEX-012", Title: "connector or static client Dex refuses", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex stops on a connector without id, type, name or config, or of an unknown type, and on a static " +
		"client without name, with both or neither of id/idEnv, or (unless public) both or neither of " +
		"secret/secretEnv. Argo CD's Dex then serves no login at all." +
		" Source: Dex: cmd/dex/config.go (Validate), server/connectors/resolve.go (unknown connector type).",
	Check: checkDexRefuses,
}

var ruleDEX013 = policy.Rule{
	ID: "DEX-013", Title: "static client replaces Argo CD's own", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Argo CD registers the Dex clients argo-cd, argo-cd-cli and argo-cd-pkce itself, before the user's " +
		"staticClients; Dex keeps the last of duplicate ids, so a user client with one of these ids replaces " +
		"Argo CD's and its login fails (\"unregistered redirect_uri\"). Use an id of its own (argo-workflows-sso)." +
		" Source: Argo CD: util/dex/config.go (its own clients first); Dex: storage/static.go (last id wins).",
	Check: checkReservedClientIDs,
}

func checkNameIDFormat(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		v := c.SAML.NameIDPolicyFormat
		if sso.KnownNameIDFormat(v.Value) {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atDex(v),
			Message:  fmt.Sprintf("nameIDPolicyFormat %q is unknown to Dex; the connector does not start", v.Value),
			Fix:      "use persistent (the default), emailAddress, unspecified or transient",
		})
	}
	return out
}

func checkDexRefuses(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	add := func(loc policy.Location, msg, fix string) {
		out = append(out, policy.Finding{Location: loc, Message: msg, Detail: "Dex refuses its configuration and serves no login", Fix: fix})
	}
	for _, c := range in.cm.Dex.Connectors {
		at := in.at(sso.KeyDexConfig, c.Line, c.Path)
		switch {
		case c.Type.Value == "":
			add(at, "connector has no type", "add type: saml")
		case !sso.KnownConnectorType(c.Type.Value):
			add(in.atDex(c.Type), fmt.Sprintf("connector type %q is unknown to Dex", c.Type.Value), "use a Dex connector type such as saml or oidc")
		}
		var missing []string
		if c.ID.Value == "" {
			missing = append(missing, "id")
		}
		if c.Name.Value == "" {
			missing = append(missing, "name")
		}
		if !c.ConfigSet {
			missing = append(missing, "config")
		}
		if len(missing) > 0 {
			add(at, "connector lacks "+strings.Join(missing, ", "), "add "+strings.Join(missing, ", ")+" to the connector")
		}
	}
	for _, c := range in.cm.Dex.StaticClients {
		at := in.at(sso.KeyDexConfig, c.Line, c.Path)
		name := c.ID.Value
		if name == "" {
			name = c.Path
		}
		if c.Name.Value == "" {
			add(at, "static client "+name+" has no name", "add name: <display name>")
		}
		if (c.ID.Value == "") == (c.IDEnv.Value == "") {
			add(at, "static client "+name+" needs exactly one of id and idEnv", "keep one of id / idEnv")
		}
		if !c.IsPublic() && (c.Secret.Value == "") == (c.SecretEnv.Value == "") {
			add(at, "static client "+name+" needs exactly one of secret and secretEnv", "keep one of secret / secretEnv (secretEnv: an env var of the Dex container)")
		}
	}
	return out
}

func checkReservedClientIDs(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.cm.Dex.StaticClients {
		if argoCDClientIDs[c.ID.Value] {
			out = append(out, policy.Finding{
				Location: in.atDex(c.ID),
				Message:  fmt.Sprintf("static client id %q replaces Argo CD's own client; Argo CD's login fails (unregistered redirect_uri)", c.ID.Value),
				Fix:      "give the client its own id, e.g. argo-workflows-sso",
			})
		}
	}
	return out
}
