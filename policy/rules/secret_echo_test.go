package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// No finding of any rule shows the value of a secret-bearing key. Every
// secret-bearing key of every object argoguard reads holds a distinct
// value, in shapes that provoke findings (inline, placeholder-like, in the
// wrong place, misspelt keys); the whole finding (message, detail, fix,
// location) is searched for each value and for its longer fragments.
func TestNoFindingShowsASecret(t *testing.T) {
	secrets := map[string]string{
		"saml clientSecret beside config": "Sx1-saml-beside-config-value",
		"ldap bindPW":                     "Sx2-<your-bind-password>-tail",
		"ldap bindPW beside config":       "Sx3-ldap-bindpw-beside",
		"oidc clientSecret":               "your-Sx4-oidc-connector-secret",
		"oauth clientSecret":              "YOUR_SX5_OAUTH_SECRET",
		"github clientSecret":             "Sx6-github-secret-value",
		"misspelt clientSecret":           "Sx7-misspelt-secret-key",
		"privateKey":                      "Sx8-----BEGIN PRIVATE KEY-----abc",
		"password":                        "Sx9-plain-password-value",
		"static client secret":            "Sx10-<static-client-secret>",
		"static client secret 2":          "Sx11-second-static-secret",
		"oidc.config clientSecret":        "Sx12-<oidc-config-secret>",
		"oidc.config ClientSecret case":   "Sx13-oidc-config-other-case",
		"workflows clientSecret inline":   "Sx14-workflows-inline-secret",
		"workflows clientSecret value":    "Sx15-workflows-value-field",
		"Secret data":                     "Sx16-secret-object-data",
	}
	dex := `logger:
  level: debug
connectors:
- type: saml
  id: aws
  name: AWS
  clientSecret: "` + secrets["saml clientSecret beside config"] + `"
  config:
    ssoURL: https://portal.sso.<region>.amazonaws.com/saml/assertion/x
    caData: <base64-cert>
    usernameAttr: email
    emailAttr: email
    privateKey: "` + secrets["privateKey"] + `"
- type: ldap
  id: ldap
  name: LDAP
  bindPW: "` + secrets["ldap bindPW beside config"] + `"
  config:
    host: ldap.example.com:389
    insecureNoSSL: true
    bindDN: cn=admin
    bindPW: "` + secrets["ldap bindPW"] + `"
    password: "` + secrets["password"] + `"
- type: oidc
  id: okta
  name: Okta
  config:
    issuer: https://your-tenant.okta.com
    clientID: argo
    clientSecret: "` + secrets["oidc clientSecret"] + `"
    clientSecert: "` + secrets["misspelt clientSecret"] + `"
    insecureSkipVerify: true
- type: oauth
  id: oauth
  name: OAuth
  config:
    clientSecret: "` + secrets["oauth clientSecret"] + `"
- type: github
  id: github
  name: GitHub
  orgs: [{name: my-org}]
  config:
    ClientSecret: "` + secrets["github clientSecret"] + `"
staticClients:
- id: argo-cd
  name: clash
  secret: "` + secrets["static client secret"] + `"
- id: argo-workflows-sso
  name: Workflows
  secret: "` + secrets["static client secret 2"] + `"
  secretEnv: ALSO_SET
  redirectURIs: [https://<workflows>/oauth2/callback]
`
	oidc := "name: Okta\nissuer: https://example.okta.com\nclientID: argo\nclientSecret: \"" + secrets["oidc.config clientSecret"] +
		"\"\nClientSecret: \"" + secrets["oidc.config ClientSecret case"] + "\"\nrequestedScope: [openid]\n"
	sso := "issuer: https://argocd.example.com/api/dex/\nclientId: {name: wf, key: id}\nclientSecret: \"" + secrets["workflows clientSecret inline"] +
		"\"\nredirectUrl: http://argocd.example.com/oauth2/callback\n"
	ssoValue := "issuer: https://argocd.example.com/api/dex\nclientId: {name: wf, key: id}\nclientSecret: {name: wf, key: secret, value: \"" +
		secrets["workflows clientSecret value"] + "\"}\nredirectUrl: https://workflows.example.com/oauth2/callback\ninsecureSkipVerify: true\n"

	var all []policy.Finding
	for _, wfSSO := range []string{sso, ssoValue} {
		f := newFixture(t)
		f.dex = dex
		f.sso = wfSSO
		f.acd["oidc.config"] = oidc
		f.acd["oidc.tls.insecure.skip.verify"] = "true"
		f.acd["policy.csv"] = "g, devs, role:admin"
		f.rbac = map[string]string{"policy.csv": "g, <your-group>, role:admin\np, devs, applications, get, x", "policy.default": "role:admin"}
		f.secrets = append(f.secrets, secret("argocd", "wf", map[string]string{"secret": secrets["Secret data"]}))
		fs, err := evaluate(f.snap(t))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, fs...)
	}
	// The fixture must provoke the rules that read these keys, or the
	// test proves nothing.
	fired := map[string]bool{}
	for _, fd := range all {
		fired[fd.RuleID] = true
	}
	for _, id := range []string{"ACD-007", "ACD-012", "ACD-013", "ACD-014", "DEX-009", "DEX-012", "DEX-013", "DEX-014", "DEX-015", "DEX-016", "WF-001", "WF-008"} {
		if !fired[id] {
			t.Errorf("fixture does not provoke %s", id)
		}
	}
	for _, fd := range all {
		raw, err := json.Marshal(fd)
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw) + " " + fd.Long()
		for name, v := range secrets {
			for _, frag := range fragments(v) {
				if strings.Contains(text, frag) {
					t.Errorf("%s shows (part of) the %s value %q: %s", fd.RuleID, name, frag, fd.Long())
				}
			}
		}
	}
}

// fragments are the value and its distinctive parts: a placeholder inside
// a secret must not be shown either.
func fragments(v string) []string {
	out := []string{v}
	for _, p := range []string{"<your-bind-password>", "<static-client-secret>", "<oidc-config-secret>", "your-Sx4", "YOUR_SX5"} {
		if strings.Contains(v, p) {
			out = append(out, p)
		}
	}
	return out
}
