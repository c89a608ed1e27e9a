package rules

// DEX-009 catches placeholders copied from a guide into dex.config
// (<region>, <id>, <base64-encoded-cert>, your-tenant, YOUR_CLIENT_ID,
// yourregion): Dex starts, but logins go nowhere or fail signature checks.
// A placeholder in a secret-bearing key is reported without its text.

import (
	"regexp"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

// placeholder is a guide placeholder such as <region> or <your-id>.
var placeholder = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9 _.-]*>`)

// yourPlaceholder is a guide placeholder written as a word: your-org,
// your_client_id, YOUR_CLIENT_ID.
var yourPlaceholder = regexp.MustCompile(`(?i)\byour[-_][a-z0-9][a-z0-9_.-]*`)

// yourHostPlaceholder is a placeholder inside a host name, where guides
// glue the word on (portal.sso.yourregion.amazonaws.com, yourcompany.okta.com).
// Only the words guides use: real domains start with "your" too (a bank at
// yourbank.example must not be denied).
var yourHostPlaceholder = regexp.MustCompile(`(?i)(^|[/.@-])(your-?(region|domain|company|org|organi[sz]ation|tenant|host|hostname|cluster|server|instance|account|subdomain|app|idp))[.-]`)

func hasPlaceholder(v string) bool { return findPlaceholder(v, false) != "" }

// findPlaceholder returns the first placeholder in v, or "". url says v is
// a URL or host, where the glued-on form (yourregion) counts too.
func findPlaceholder(v string, url bool) string {
	if m := placeholder.FindString(v); m != "" {
		return m
	}
	if m := yourPlaceholder.FindString(v); m != "" {
		return m
	}
	if url {
		if m := yourHostPlaceholder.FindStringSubmatch(v); m != nil {
			return m[2]
		}
	}
	return ""
}

// urlLikeKey reports whether a connector config key holds a URL or a host.
func urlLikeKey(k string) bool {
	l := strings.ToLower(k)
	return strings.HasSuffix(l, "url") || strings.HasSuffix(l, "uri") || strings.HasSuffix(l, "issuer") ||
		l == "host" || l == "hostname" || l == "tenant"
}

// secretBearingKey reports whether a key's value is a credential that no
// finding may show (client secrets, passwords, private keys, tokens).
func secretBearingKey(k string) bool {
	l := strings.ToLower(k)
	for _, s := range []string{"secret", "password", "bindpw", "privatekey", "token", "clientkey", "passphrase", "credential"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

var ruleDEX009 = policy.Rule{
	ID: "DEX-009", Title: "placeholder left in dex.config", Severity: policy.SeverityHigh,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "A value such as https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>, caData: " +
		"<base64-encoded-cert>, https://portal.sso.yourregion.amazonaws.com or YOUR_CLIENT_ID was copied from a " +
		"guide without filling it in. Replace it with the value from the IdP's application page. A placeholder " +
		"in a secret-bearing key (clientSecret, bindPW) is reported without its text." +
		" Source: Dex: connector/saml/saml.go (ssoURL and caData used as written).",
	Check: checkDexPlaceholders,
}

func checkDexPlaceholders(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return nil
	}
	var out []policy.Finding
	flag := func(key string, v sso.Str, url bool) {
		m := findPlaceholder(v.Value, url)
		if m == "" {
			return
		}
		if strings.EqualFold(key, "caData") {
			// A real caData is base64, which can hold "your-" by chance.
			if _, err := sso.DecodeCAData(v.Value); err == nil {
				return
			}
		}
		msg, fix := "placeholder "+m+" left in the value", "replace "+m+" with the real value from the IdP's application page"
		if secretBearingKey(key) {
			msg, fix = "placeholder left in "+key+" (value not shown)", "put the real credential in a Secret and reference it as $<secret>:<key>"
		}
		out = append(out, policy.Finding{Location: in.atDex(v), Message: msg, Fix: fix})
	}
	for _, c := range in.cm.Dex.Connectors {
		for _, f := range c.Config {
			flag(f.Key, f.Value, urlLikeKey(f.Key))
		}
	}
	for _, c := range in.cm.Dex.StaticClients {
		flag("id", c.ID, false)
		for _, u := range c.RedirectURIs {
			flag("redirectURIs", u, true)
		}
	}
	return out
}
