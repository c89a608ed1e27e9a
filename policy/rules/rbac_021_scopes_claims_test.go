package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestRBAC021ScopeClaims(t *testing.T) {
	runTable(t, "RBAC-021", []ruleCase{
		{name: "groups and email", data: with(csv("g, "+devsID+", role:readonly\np, alice@example.com, applications, get, */*, allow"), "scopes", "[groups, email]"), settings: awsSettings},
		{name: "default scopes cover groups", data: csv("g, " + devsID + ", role:readonly"), settings: awsSettings},
		{name: "groups missing", data: with(csv("g, "+devsID+", role:readonly"), "scopes", "[email]"), settings: awsSettings, lines: []int{1}, contains: "scopes lack groups"},
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
