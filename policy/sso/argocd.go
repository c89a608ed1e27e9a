package sso

import (
	"net/url"
	"path"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// argocd-cm keys argoguard reads.
const (
	KeyURL              = "url"
	KeyAdditionalURLs   = "additionalUrls"
	KeyDexConfig        = "dex.config"
	KeyOIDCConfig       = "oidc.config"
	KeyAdminEnabled     = "admin.enabled"
	KeyAnonymousEnabled = "users.anonymous.enabled"
	// KeyOIDCInsecureSkipVerify turns off TLS verification of the OIDC
	// provider (external or Dex) when exactly "true" (util/settings).
	KeyOIDCInsecureSkipVerify = "oidc.tls.insecure.skip.verify"
)

// ArgoCD is argocd-cm as Argo CD's util/settings reads it.
type ArgoCD struct {
	URL    string
	URLSet bool
	// AdditionalURLs is the additionalUrls list; AdditionalURLsErr says why
	// it could not be read (Argo CD only warns).
	AdditionalURLs    []string
	AdditionalURLsErr error

	AdminEnabled    string
	AdminEnabledSet bool
	// AnonymousEnabled is true only for exactly "true", as in Argo CD.
	AnonymousEnabled bool
	AnonymousRaw     string

	OIDCConfig string
	// OIDC is the parsed oidc.config (nil when absent or unreadable).
	OIDC      *OIDC
	OIDCErr   error
	DexConfig string
	// Dex is the parsed dex.config (nil when absent or unreadable).
	Dex    *Dex
	DexErr error

	// Accounts are the local accounts (accounts.<name>), sorted by name.
	Accounts []Account
}

// Account is one local account of argocd-cm.
type Account struct {
	Name         string
	Capabilities string // accounts.<name>: "login, apiKey"
	Enabled      string // accounts.<name>.enabled as written
	EnabledSet   bool
}

// EnabledKey is the data key of the account's enabled flag.
func (a Account) EnabledKey() string { return "accounts." + a.Name + ".enabled" }

// ParseArgoCD reads argocd-cm's data.
func ParseArgoCD(data map[string]string) *ArgoCD {
	a := &ArgoCD{}
	a.URL, a.URLSet = data[KeyURL]
	a.AdminEnabled, a.AdminEnabledSet = data[KeyAdminEnabled]
	a.AnonymousRaw = data[KeyAnonymousEnabled]
	a.AnonymousEnabled = a.AnonymousRaw == "true"
	a.OIDCConfig = data[KeyOIDCConfig]
	a.DexConfig = data[KeyDexConfig]
	if strings.TrimSpace(a.DexConfig) != "" {
		a.Dex, a.DexErr = ParseDex(a.DexConfig)
	}
	if strings.TrimSpace(a.OIDCConfig) != "" {
		a.OIDC, a.OIDCErr = ParseOIDC(a.OIDCConfig)
	}
	if v, ok := data[KeyAdditionalURLs]; ok && strings.TrimSpace(v) != "" {
		a.AdditionalURLs, a.AdditionalURLsErr = parseStringList(v)
	}
	accounts := map[string]*Account{}
	get := func(name string) *Account {
		if accounts[name] == nil {
			accounts[name] = &Account{Name: name}
		}
		return accounts[name]
	}
	for k, v := range data {
		rest, ok := strings.CutPrefix(k, "accounts.")
		if !ok || rest == "" {
			continue
		}
		parts := strings.Split(rest, ".")
		switch {
		case len(parts) == 1:
			get(parts[0]).Capabilities = v
		case len(parts) == 2 && parts[1] == "enabled":
			acc := get(parts[0])
			acc.Enabled, acc.EnabledSet = v, true
		}
	}
	for _, acc := range accounts {
		a.Accounts = append(a.Accounts, *acc)
	}
	sort.Slice(a.Accounts, func(i, j int) bool { return a.Accounts[i].Name < a.Accounts[j].Name })
	return a
}

// DexConfigured is Argo CD's IsDexConfigured: url set and dex.config a
// non-empty map.
func (a *ArgoCD) DexConfigured() bool {
	return a.URL != "" && strings.TrimSpace(a.DexConfig) != ""
}

// SSOConfigured reports whether any SSO (Dex or external OIDC) is set up.
func (a *ArgoCD) SSOConfigured() bool {
	return strings.TrimSpace(a.DexConfig) != "" || strings.TrimSpace(a.OIDCConfig) != ""
}

// IssuerURL is Dex's issuer as Argo CD derives it: url + "/api/dex",
// concatenated as written (a trailing slash gives "//api/dex").
func IssuerURL(argocdURL string) string { return argocdURL + "/api/dex" }

// DexCallbackURL is the redirectURI Argo CD forces on every Dex connector
// and the SAML ACS URL: <url>/api/dex/callback, joined path-wise.
func DexCallbackURL(argocdURL string) string {
	u, err := url.Parse(argocdURL)
	if err != nil || u.Scheme == "" {
		return strings.TrimRight(argocdURL, "/") + "/api/dex/callback"
	}
	u.Path = path.Join(u.Path, "/api/dex/callback")
	return u.String()
}

// parseStringList reads a YAML list of strings ("[a, b]" or block list).
func parseStringList(v string) ([]string, error) {
	root, err := parseValue(v)
	if err != nil || root == nil {
		return nil, err
	}
	w := newWalker()
	if r := w.resolve(root); r == nil || r.Kind != yaml.SequenceNode {
		return nil, Problem{Line: root.Line, Msg: "is " + kindName(root) + ", not a YAML list"}
	}
	var out []string
	for _, it := range w.items(root) {
		if it.Kind != yaml.ScalarNode {
			return nil, Problem{Line: it.Line, Msg: "list item is " + kindName(it) + ", not a string"}
		}
		out = append(out, it.Value)
	}
	return out, w.err
}
