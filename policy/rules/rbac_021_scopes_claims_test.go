package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestRBAC021ScopeClaims(t *testing.T) {
	runTable(t, "RBAC-021", []ruleCase{
		{name: "groups and email", data: with(csv("g, "+devsID+", role:readonly\np, alice@example.com, applications, get, */*, allow"), "scopes", "[groups, email]"), settings: awsSettings},
		{name: "default scopes cover groups", data: csv("g, " + devsID + ", role:readonly"), settings: awsSettings},
		// Without argocd-cm the provider is unknown: only a scopes list
		// with no claim that can hold groups is reported, generically.
		{name: "no group claim at all", data: with(csv("g, "+devsID+", role:readonly"), "scopes", "[email]"), settings: awsSettings, lines: []int{1}, contains: "no claim in scopes carries groups"},
		{name: "cognito:groups may carry them", data: with(csv("g, admins, role:admin"), "scopes", "[cognito:groups, email]")},
		{name: "roles may carry them", data: with(csv("g, platform, role:admin"), "scopes", "[roles]")},
		{name: "email missing", data: with(csv("g, alice@example.com, role:readonly"), "scopes", "[groups]"), lines: []int{1}, contains: "scopes lack email"},
		{name: "invalid scopes are RBAC-012's", data: with(csv("g, x, role:readonly"), "scopes", "email")},
	})
	// With Dex asking for e-mail NameIDs, the user id is the address.
	s := rbacSnap(t, with(csv("g, alice@example.com, role:readonly"), "scopes", "[groups]"), "")
	s.ArgoCDCM = &policy.Object{Data: map[string]string{"dex.config": "connectors:\n- type: saml\n  id: aws\n  config:\n    nameIDPolicyFormat: emailAddress\n"}}
	if fs := run(t, "RBAC-021", s); len(fs) != 0 {
		t.Fatalf("e-mail NameID: %+v", fs)
	}
}

// The "why" fits the connector or provider argocd-cm configures; a custom
// claim is trusted with an external OIDC provider and not with Dex, which
// only ever issues groups.
func TestRBAC021FitsTheProvider(t *testing.T) {
	const (
		saml   = "connectors:\n- type: saml\n  id: aws\n  name: AWS\n  config: {ssoURL: https://idp.example.com, usernameAttr: email, emailAttr: email, groupsAttr: groups}\n"
		github = "connectors:\n- type: github\n  id: github\n  name: GitHub\n  config: {clientID: x, clientSecret: $dex.github.clientSecret, orgs: [{name: acme}]}\n"
		oidc   = "issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc\nclientID: x\nclientSecret: $oidc.cognito.clientSecret\n"
	)
	for _, tc := range []struct {
		name, key, config, scopes string
		want                      string // "" for no finding
		notWant                   string
	}{
		{name: "Dex SAML", key: "dex.config", config: saml, scopes: "[email]", want: "SAML attribute named by groupsAttr", notWant: "GitHub"},
		{name: "Dex GitHub", key: "dex.config", config: github, scopes: "[email]", want: "GitHub org:team names", notWant: "SAML"},
		{name: "Dex never issues cognito:groups", key: "dex.config", config: saml, scopes: "[cognito:groups]", want: "Dex issues no cognito:groups claim"},
		{name: "Dex with groups", key: "dex.config", config: github, scopes: "[groups]"},
		{name: "OIDC with cognito:groups", key: "oidc.config", config: oidc, scopes: "[cognito:groups, email]"},
		{name: "OIDC with roles", key: "oidc.config", config: oidc, scopes: "[roles]"},
		{name: "OIDC with no group claim", key: "oidc.config", config: oidc, scopes: "[email]", want: "no claim in scopes carries groups", notWant: "SAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := rbacSnap(t, with(csv("g, platform-team, role:admin"), "scopes", tc.scopes), "")
			s.ArgoCDCM = &policy.Object{Ref: acdRef, Data: map[string]string{"url": "https://argocd.example.com", tc.key: tc.config}}
			fs := run(t, "RBAC-021", s)
			if tc.want == "" {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %s", fs[0].Short())
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want one finding, got %v", fs)
			}
			text := fs[0].Message + " " + fs[0].Detail
			if !strings.Contains(text, tc.want) || (tc.notWant != "" && strings.Contains(text, tc.notWant)) {
				t.Errorf("finding %q: want %q, not %q", text, tc.want, tc.notWant)
			}
		})
	}
}
