package rules

// DEX-015 forbids Dex connector switches that turn off TLS or identity
// verification (LDAP insecureNoSSL / insecureSkipVerify, OIDC and OAuth
// insecureSkipVerify, OpenShift insecureCA; OIDC insecureSkipEmailVerified
// is a warning). SAML's signature switch is DEX-002.
// DEX-016 forbids a login restriction (GitHub orgs, allowedGroups,
// hostedDomains, ...) written beside a connector's config: Dex drops it
// and lets every account of the provider log in.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleDEX015 = policy.Rule{
	ID: "DEX-015", Title: "Dex connector turns off TLS or identity verification", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "These connector config switches, when true, turn a check off: ldap insecureNoSSL (plain LDAP, passwords " +
		"in clear text) and insecureSkipVerify (connector/ldap/ldap.go), oidc and oauth insecureSkipVerify " +
		"(connector/oidc/oidc.go, connector/oauth/oauth.go: any certificate is accepted, so a man in the middle " +
		"can answer for the provider), openshift insecureCA (connector/openshift/openshift.go). oidc " +
		"insecureSkipEmailVerified (accept e-mail addresses the provider did not verify) is reported as a " +
		"warning. Give the provider's CA (rootCA, rootCAs, rootCAData) instead, or use startTLS / ldaps.",
	Check: checkConnectorTLSSwitches,
}

var ruleDEX016 = policy.Rule{
	ID: "DEX-016", Title: "login restriction written beside a connector's config", Severity: policy.SeverityCritical,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex reads a connector's settings only from its config map; other keys of the connector are dropped " +
		"(cmd/dex/config.go decodes type, id, name and config only). A restriction written one level too high, " +
		"such as a github connector's orgs next to config, is therefore ignored: every account of the provider " +
		"can log in (connector/github/github.go checks orgs only when set). The same holds for gitea orgs, " +
		"gitlab groups, oidc and saml allowedGroups, oidc and google hostedDomains, google and microsoft groups, " +
		"microsoft tenant, bitbucket-cloud teams and openshift groups. Indent the key under config.",
	Check: checkMisplacedRestriction,
}

func checkConnectorTLSSwitches(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.cm.Dex.Connectors {
		for _, sw := range sso.TLSSwitches(c.Type.Value) {
			v := c.Get(sw.Key)
			if !v.IsTrue() {
				continue
			}
			f := policy.Finding{
				Location: in.atDex(v),
				Message:  fmt.Sprintf("%s connector %q: %s: true turns off verification", c.Type.Value, c.ID.Value, sw.Key),
				Detail:   "it turns off " + sw.What,
				Fix:      tlsSwitchFix(c.Type.Value, sw.Key),
			}
			if sw.Weak {
				f.Action = policy.ActionWarn
			}
			out = append(out, f)
		}
	}
	return out
}

func tlsSwitchFix(typ, key string) string {
	switch {
	case typ == "ldap" && key == "insecureNoSSL":
		return "remove insecureNoSSL and connect with ldaps (port 636) or startTLS: true"
	case typ == "ldap":
		return "remove insecureSkipVerify and give the LDAP server's CA as rootCA or rootCAData"
	case key == "insecureSkipEmailVerified":
		return "remove it, or make the provider send email_verified; do not grant by e-mail address while it is on"
	case typ == "openshift":
		return "remove insecureCA and give the API server's CA as rootCA"
	}
	return "remove insecureSkipVerify and give the provider's CA in rootCAs"
}

func checkMisplacedRestriction(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.cm.Dex.Connectors {
		typ := c.Type.Value
		for _, f := range c.Extra {
			key := sso.LoginRestrictionKey(typ, f.Key)
			if key == "" {
				continue
			}
			// The same key inside config still restricts logins.
			if c.Get(key).Set {
				continue
			}
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyDexConfig, f.KeyLine, f.Value.Path),
				Message:  fmt.Sprintf("%s connector %q: %s is beside config, so Dex ignores it and every account can log in", typ, c.ID.Value, f.Key),
				Detail:   "Dex reads connector settings only from config; the restriction is dropped without an error",
				Fix:      "indent " + f.Key + " under config: (two more spaces, inside the config map)",
			})
		}
	}
	return out
}
