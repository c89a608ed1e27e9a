package rules

// RBAC-010 restricts admin-equivalent power (role:admin, or every action on
// every object of a resource kind) to the admin groups named in the
// settings.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

func init() {
	register(policy.Rule{
		ID: "RBAC-010", Title: "Admin-equivalent grant to a subject that is not an admin group",
		Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionWarn,
		Doc: "role:admin, or a p line allowing every action (*) on every object (* or */*) of a resource, makes its " +
			"holders administrators of that part of Argo CD (applications: deploy anything anywhere; clusters and " +
			"repositories: credentials). Only the groups listed as adminGroups in the settings should hold it. " +
			"Give other groups narrower roles, or add them to adminGroups if intended.",
		Check: checkRBACAdminGrant,
	})
}

func checkRBACAdminGrant(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil {
		return nil
	}
	admins := in.adminSubjects()
	// holders returns the login identities (not roles, not admins) that hold role.
	holders := func(role string) []string {
		var out []string
		cands := append([]string{role}, in.enf.Members(role)...)
		for _, n := range cands {
			if !in.enf.IsRole(n) && !admins[n] && n != rbac.UserAdmin {
				out = append(out, n)
			}
		}
		return out
	}
	var out []policy.Finding
	for _, l := range in.gLines() {
		sub := l.Subject()
		if in.enf.IsRole(sub) || admins[sub] || sub == rbac.UserAdmin {
			continue
		}
		for _, r := range in.enf.Roles(l.Role()) {
			if r == rbac.RoleAdmin {
				out = append(out, policy.Finding{
					Location: in.atLine(l),
					Message:  fmt.Sprintf("%s gets role:admin but is not an admin group", quoteField(in.shortName(sub))),
					Detail:   in.set.DisplayName(sub) + " is not in the settings' adminGroups; role:admin can change every application, cluster, repository and project",
					Fix:      "give a narrower role, or list the group under adminGroups in the settings",
				})
				break
			}
		}
	}
	for _, l := range in.pLines() {
		obj := l.Object()
		if l.Effect() != "allow" || l.Action() != "*" || (obj != "*" && obj != "*/*") {
			continue
		}
		who := holders(l.Subject())
		if len(who) == 0 {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("every action on all %s for %s, not admin groups", l.Resource(), strings.Join(who, ", ")),
			Detail:   "a wildcard action on every object is admin power over that resource",
			Fix:      "grant the actions needed on the projects needed, or list the group under adminGroups",
		})
	}
	return out
}
