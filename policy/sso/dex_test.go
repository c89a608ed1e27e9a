package sso

import (
	"strings"
	"testing"
)

const guideDex = `logger:
  level: debug
  format: json
connectors:
- type: saml
  id: aws
  name: "AWS IAM Identity Center"
  config:
    ssoURL: "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/x"
    caData: "Zm9v"
    entityIssuer: https://argocd.example.com/api/dex/callback
    redirectURI: https://argocd.example.com/api/dex/callback
    usernameAttr: email
    emailAttr: email
    groupAttr: groups
staticClients:
- id: argo-workflows-sso
  name: Argo Workflows
  redirectURIs:
  - https://workflows.example.com/oauth2/callback
  secret: $argo-workflows-sso:client-secret
`

func TestParseDexPositions(t *testing.T) {
	d, err := ParseDex(guideDex)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Problems) != 0 {
		t.Fatalf("problems: %v", d.Problems)
	}
	if d.Logger.Level.Value != "debug" || d.Logger.Level.Line != 2 {
		t.Errorf("logger.level = %+v", d.Logger.Level)
	}
	if len(d.Connectors) != 1 || d.Connectors[0].SAML == nil {
		t.Fatalf("connectors = %+v", d.Connectors)
	}
	s := d.Connectors[0].SAML
	if s.SSOURL.Line != 9 || s.SSOURL.Path != "connectors[0].config.ssoURL" {
		t.Errorf("ssoURL at %d %q", s.SSOURL.Line, s.SSOURL.Path)
	}
	if s.GroupsAttr.Set {
		t.Errorf("groupAttr must not count as groupsAttr")
	}
	if s.UsernameAttr.Value != "email" || s.RedirectURI.Line != 12 {
		t.Errorf("usernameAttr %+v redirectURI %+v", s.UsernameAttr, s.RedirectURI)
	}
	sc := d.StaticClientByID("argo-workflows-sso")
	if sc == nil || !sc.HasRedirect("https://workflows.example.com/oauth2/callback") || sc.Name.Value != "Argo Workflows" {
		t.Fatalf("static client = %+v", sc)
	}
	if len(d.Refs) != 1 || d.Refs[0].Secret != "argo-workflows-sso" || d.Refs[0].Key != "client-secret" || d.Refs[0].Line != 21 {
		t.Errorf("refs = %+v", d.Refs)
	}
}

func TestParseDexCaseInsensitiveKeys(t *testing.T) {
	d, err := ParseDex("connectors:\n- type: saml\n  id: a\n  name: a\n  config:\n    SSOURL: https://x\n    ssoURL: https://y\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Connectors[0].SAML.SSOURL.Value; got != "https://y" {
		t.Errorf("exact key must win, got %q", got)
	}
}

func TestParseDexStructuralProblems(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"- a\n- b\n", "not a map"},
		{"connectors: saml\n", "connectors is a string, not a list"},
		{"connectors:\n- saml\n", "connector is a string, not a map"},
		{"connectors:\n- type: saml\n  config: x\n", "config is a string, not a map"},
		{"staticClients: {}\n", "staticClients is a map, not a list"},
	} {
		d, err := ParseDex(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if len(d.Problems) == 0 || !strings.Contains(d.Problems[0].Msg, tc.want) {
			t.Errorf("%q: problems %v, want %q", tc.in, d.Problems, tc.want)
		}
	}
	if _, err := ParseDex("connectors: [\n"); err == nil || !strings.Contains(err.Error(), "not valid YAML") {
		t.Errorf("broken YAML: %v", err)
	}
}

func TestParseSecretRef(t *testing.T) {
	for _, tc := range []struct {
		in        string
		ok        bool
		name, key string
		short     bool
	}{
		{"$dex-saml:caData", true, "dex-saml", "caData", false},
		{"$oidc.clientSecret", true, "argocd-secret", "oidc.clientSecret", true},
		{"$", false, "", "", false},
		{"$:k", false, "", "", false},
		{"plain", false, "", "", false},
	} {
		r, ok := ParseSecretRef(tc.in)
		if ok != tc.ok || r.Secret != tc.name || r.Key != tc.key || r.Short != tc.short {
			t.Errorf("%q: %+v %v", tc.in, r, ok)
		}
	}
}

func TestKnownNameIDFormat(t *testing.T) {
	for v, want := range map[string]bool{
		"": true, "persistent": true, "emailAddress": true,
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress": true,
		"email": false, "urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress": false,
	} {
		if got := KnownNameIDFormat(v); got != want {
			t.Errorf("%q: %v", v, got)
		}
	}
}

func TestDecodeCAData(t *testing.T) {
	if _, err := DecodeCAData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"); err == nil || !strings.Contains(err.Error(), "base64 of the whole PEM") {
		t.Errorf("raw PEM: %v", err)
	}
	if _, err := DecodeCAData("Zm9v"); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("not PEM: %v", err)
	}
	if _, err := DecodeCAData("not base64!"); err == nil || !strings.Contains(err.Error(), "not base64") {
		t.Errorf("not base64: %v", err)
	}
}

func TestDexCallbackURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://argocd.example.com":    "https://argocd.example.com/api/dex/callback",
		"https://argocd.example.com/":   "https://argocd.example.com/api/dex/callback",
		"https://h.example.com/argo-cd": "https://h.example.com/argo-cd/api/dex/callback",
	} {
		if got := DexCallbackURL(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
	if got := IssuerURL("https://a.example.com/"); got != "https://a.example.com//api/dex" {
		t.Errorf("issuer keeps the double slash as Argo CD does: %q", got)
	}
}

func TestParseOIDC(t *testing.T) {
	o, err := ParseOIDC("name: Okta\nClientSecret: $oidc.secret\nazure:\n  useWorkloadIdentity: true\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Get("clientSecret"); got.Value != "$oidc.secret" || got.Line != 2 || got.Path != "ClientSecret" {
		t.Fatalf("clientSecret (case-insensitive) = %+v", got)
	}
	if len(o.Azure) != 1 || o.Azure[0].Key != "useWorkloadIdentity" || o.Azure[0].Value.Path != "azure.useWorkloadIdentity" {
		t.Fatalf("azure keys = %+v", o.Azure)
	}
	if o, err := ParseOIDC("- a\n"); err != nil || o.Problem == nil {
		t.Fatalf("a list: %+v %v, want a problem", o, err)
	}
	if _, err := ParseOIDC("a: [\n"); err == nil {
		t.Fatal("broken YAML accepted")
	}
}

// Connector keys beside config are kept (Dex drops them); the connector
// keys match case-insensitively, as encoding/json matches.
func TestParseDexConnectorExtra(t *testing.T) {
	d, err := ParseDex("connectors:\n- Type: github\n  ID: gh\n  name: GitHub\n  orgs: [{name: my-org}]\n  grantTypes: [a]\n  config: {clientID: a}\n")
	if err != nil {
		t.Fatal(err)
	}
	c := d.Connectors[0]
	if c.Type.Value != "github" || c.ID.Value != "gh" {
		t.Fatalf("type/id in another case not read: %+v", c)
	}
	if len(c.Extra) != 1 || c.Extra[0].Key != "orgs" || c.Extra[0].KeyLine != 5 || c.Extra[0].Value.Path != "connectors[0].orgs" {
		t.Fatalf("extra keys = %+v, want orgs at line 5", c.Extra)
	}
}
