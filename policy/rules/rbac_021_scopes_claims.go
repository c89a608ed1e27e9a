package rules

// RBAC-021 restricts scopes to include the claims the policy's subjects
// come from: group subjects need the groups scope, e-mail subjects the
// email scope (unless Dex's SAML NameID is the e-mail address).

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

func init() {
	register(policy.Rule{
		ID: "RBAC-021", Title: "scopes lacks a claim the subjects need",
		Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
		Doc: "argocd-server tries, after the user id, the values of every claim named in scopes (default " +
			"[groups]). Dex puts SAML groups (groupsAttr) in the groups claim, so g lines for groups need groups in " +
			"scopes; subjects that are e-mail addresses need email, unless the SAML NameID is the e-mail address " +
			"(nameIDPolicyFormat emailAddress). Add the missing claim: scopes: '[groups, email]'.",
		Check: checkRBACScopeClaims,
	})
}

func checkRBACScopeClaims(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	scopes, err := parseScopes(in.pol.Scopes)
	if err != nil {
		return nil // RBAC-012
	}
	has := map[string]bool{}
	for _, sc := range scopes {
		has[sc] = true
	}
	var groupLine, emailLine *rbac.Line
	for _, l := range in.userLines() {
		if l.Type != "p" && l.Type != "g" {
			continue
		}
		sub := l.Subject()
		switch {
		case strings.Contains(sub, "@"):
			if emailLine == nil {
				emailLine = l
			}
		case l.Type == "g" && in.groupCandidate(sub) && groupLine == nil:
			groupLine = l
		}
	}
	var out []policy.Finding
	if groupLine != nil && !has["groups"] {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyScopes),
			Message:  fmt.Sprintf("scopes lack groups, so group %s is never tried", quoteField(in.shortName(groupLine.Subject()))),
			Detail:   fmt.Sprintf("the g line at %s (and any other group line) never matches: Dex puts the SAML groups attribute (groupsAttr) in the groups claim, and argocd-server only reads claims listed in scopes", groupLine.Where()),
			Fix:      "add groups: scopes: '[groups, email]'",
		})
	}
	if emailLine != nil && !has["email"] && !nameIDIsEmail(s) {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyScopes),
			Message:  fmt.Sprintf("scopes lack email, so e-mail subject %s may never match", quoteField(emailLine.Subject())),
			Detail:   fmt.Sprintf("%s names it; the user id is the SAML NameID, an e-mail address only with nameIDPolicyFormat emailAddress", emailLine.Where()),
			Fix:      "add email: scopes: '[groups, email]'",
		})
	}
	return out
}

// nameIDIsEmail says whether every SAML connector of argocd-cm's
// dex.config asks for e-mail NameIDs (then the user id is the e-mail
// address). It reads the parse the SSO rules share, within its budgets.
// Unknown or unreadable: false.
func nameIDIsEmail(s *policy.Snapshot) bool {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil {
		return false
	}
	saml := in.saml()
	for _, c := range saml {
		f := c.SAML.NameIDPolicyFormat.Value
		if f != "emailAddress" && !strings.HasSuffix(f, ":emailAddress") {
			return false
		}
	}
	return len(saml) > 0
}
