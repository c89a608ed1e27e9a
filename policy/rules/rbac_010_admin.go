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
	principal := func(n string) bool { return !in.enf.IsRole(n) && !admins[n] && n != rbac.UserAdmin }
	// Everything that reaches role:admin within the role manager's hops.
	reachAdmin := map[string]bool{rbac.RoleAdmin: true}
	for _, m := range in.enf.Members(rbac.RoleAdmin) {
		reachAdmin[m] = true
	}
	var out []policy.Finding
	for _, l := range in.gLines() {
		sub := l.Subject()
		if !principal(sub) || !reachAdmin[sub] || !reachAdmin[l.Role()] {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("%s gets role:admin but is not an admin group", quoteField(in.shortName(sub))),
			Detail:   in.set.DisplayName(sub) + " is not in the settings' adminGroups; role:admin can change every application, cluster, repository and project",
			Fix:      "give a narrower role, or list the group under adminGroups in the settings",
		})
	}
	holders := map[string][]string{} // role -> login identities (not admins) holding it
	for _, l := range in.pLines() {
		obj := l.Object()
		if l.Effect() != "allow" || l.Action() != "*" || (obj != "*" && obj != "*/*") {
			continue
		}
		who, done := holders[l.Subject()]
		if !done {
			for _, n := range append([]string{l.Subject()}, in.enf.Members(l.Subject())...) {
				if principal(n) {
					who = append(who, n)
				}
			}
			holders[l.Subject()] = who
		}
		if len(who) == 0 {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("every action on all %s for %s, not admin groups", l.Resource(), joinAtMost(who, 3)),
			Detail:   "a wildcard action on every object is admin power over that resource; held by " + joinAtMost(who, 20),
			Fix:      "grant the actions needed on the projects needed, or list the group under adminGroups",
		})
	}
	return out
}

// joinAtMost joins the first n names and counts the rest.
func joinAtMost(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}
