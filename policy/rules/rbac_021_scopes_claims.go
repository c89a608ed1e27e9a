package rules

// RBAC-021 restricts scopes to include the claims the policy's subjects
// come from: group subjects need the claim their groups arrive in (groups
// with Argo CD's Dex; any claim the IdP uses with oidc.config), e-mail
// subjects the email scope (unless Dex's SAML NameID is the address).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC021 = policy.Rule{
	ID: "RBAC-021", Title: "scopes lacks a claim the subjects need",
	Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
	Doc: "argocd-server tries, after the user id, the values of every claim named in scopes (default [groups]; " +
		"server/server.go loads scopes, util/rbac reads their values from the token). So group subjects need " +
		"the claim the groups arrive in: with Argo CD's Dex that is always groups (Dex issues no other group " +
		"claim; its SAML connector fills it from groupsAttr, GitHub with org:team names); with oidc.config any " +
		"claim the IdP uses (cognito:groups, roles, ...) works, so a custom claim in scopes is trusted to carry " +
		"them. Subjects that are e-mail addresses need email, unless the SAML NameID is the e-mail address " +
		"(nameIDPolicyFormat emailAddress). A warning: the policy loads and works for the other subjects.",
	Check: checkRBACScopeClaims,
}

// nonGroupClaims are standard OIDC claims that never hold group names.
var nonGroupClaims = map[string]bool{
	"openid": true, "profile": true, "offline_access": true, "email": true, "email_verified": true,
	"name": true, "given_name": true, "family_name": true, "preferred_username": true, "sub": true,
	"iss": true, "aud": true, "federated_claims": true,
}

// groupSource says where the groups in the token come from, as far as the
// snapshot tells: Argo CD's Dex (with its connector types), an external
// OIDC provider, or unknown (argocd-cm not given).
type groupSource struct {
	known, dex bool
	connectors []string // Dex connector types, sorted, without repeats
}

func groupSourceOf(s *policy.Snapshot) groupSource {
	in, ok := loadArgoCD(s)
	if !ok {
		return groupSource{}
	}
	if strings.TrimSpace(in.cm.OIDCConfig) != "" || in.cm.Dex == nil {
		return groupSource{known: true} // oidc.config wins over dex.config (ACD-006)
	}
	src := groupSource{known: true, dex: true}
	for _, c := range in.cm.Dex.Connectors {
		if t := c.Type.Value; t != "" && !slices.Contains(src.connectors, t) {
			src.connectors = append(src.connectors, t)
		}
	}
	slices.Sort(src.connectors)
	return src
}

// dexGroupsWhy says, for the connectors in use, how Dex fills groups.
func (g groupSource) dexGroupsWhy() string {
	switch {
	case len(g.connectors) == 1 && g.connectors[0] == "saml":
		return "Dex puts the SAML attribute named by groupsAttr in the groups claim"
	case len(g.connectors) == 1 && g.connectors[0] == "github":
		return "Dex puts the GitHub org:team names in the groups claim"
	case len(g.connectors) == 0:
		return "Dex puts a user's groups in the groups claim"
	}
	return "Dex puts the groups of its connectors (" + strings.Join(g.connectors, ", ") + ") in the groups claim"
}

func checkRBACScopeClaims(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	if in.cfg.ScopesErr != nil {
		return nil // RBAC-012
	}
	scopes := in.cfg.Scopes
	has := map[string]bool{}
	var custom []string // claims that may carry groups
	for _, sc := range scopes {
		has[sc] = true
		if !nonGroupClaims[sc] && sc != "groups" {
			custom = append(custom, sc)
		}
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
	src := groupSourceOf(s)
	var out []policy.Finding
	if groupLine != nil && !has["groups"] {
		group := quoteField(in.shortName(groupLine.Subject()))
		switch {
		case src.dex:
			detail := fmt.Sprintf("%s, and argocd-server only reads the claims listed in scopes, so the g line at %s (and every other group line) never matches", src.dexGroupsWhy(), groupLine.Where())
			if len(custom) > 0 {
				detail += "; Dex issues no " + strings.Join(custom, ", ") + " claim"
			}
			out = append(out, policy.Finding{
				Location: in.atKey(rbac.KeyScopes),
				Message:  fmt.Sprintf("scopes lack groups, the claim Dex sends groups in: group %s is never tried", group),
				Detail:   detail,
				Fix:      "add groups to scopes: scopes: '[groups, email]'",
			})
		case len(custom) == 0:
			// Whatever the provider, none of the listed claims holds groups.
			out = append(out, policy.Finding{
				Location: in.atKey(rbac.KeyScopes),
				Message:  fmt.Sprintf("no claim in scopes carries groups: group %s is never tried", group),
				Detail: fmt.Sprintf("argocd-server tries only the user id and the claims listed in scopes (%s), none of which holds groups; the g line at %s never matches",
					strings.Join(scopes, ", "), groupLine.Where()),
				Fix: "add the claim your identity provider puts groups in (groups, cognito:groups, roles, ...) to scopes",
			})
		}
		// Otherwise a custom claim (cognito:groups, roles, ...) may carry the groups: nothing to say.
	}
	if emailLine != nil && !has["email"] && !nameIDIsEmail(s) {
		detail := fmt.Sprintf("%s names it; argocd-server matches e-mail subjects through the email claim, or as the user id when that is the address", emailLine.Where())
		if src.dex && slices.Contains(src.connectors, "saml") {
			detail = fmt.Sprintf("%s names it; the user id is the SAML NameID, an e-mail address only with nameIDPolicyFormat emailAddress", emailLine.Where())
		}
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyScopes),
			Message:  fmt.Sprintf("scopes lack email, so e-mail subject %s may never match", quoteField(emailLine.Subject())),
			Detail:   detail,
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
