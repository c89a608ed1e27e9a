package rules

// RBAC-010 restricts admin-equivalent power (role:admin, or every action on
// every object of a resource kind) to the admin groups named in the
// settings. Findings are grouped: one per kind of subject, listing the
// subjects and lines.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC010 = policy.Rule{
	ID: "RBAC-010", Title: "Admin-equivalent grant to a subject that is not an admin group",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionWarn,
	Doc: "role:admin, or a p line allowing every action (*) on every object (* or */*) of a resource, makes its " +
		"holders administrators of that part of Argo CD (applications: deploy anything anywhere; clusters and " +
		"repositories: credentials). Only the groups listed as adminGroups in the settings should hold it. " +
		"Give other groups narrower roles, or add them to adminGroups if intended. Findings are grouped: one for " +
		"e-mail users, one for other subjects, one for wildcard p lines, each listing the subjects and lines.",
	Check: checkRBACAdminGrant,
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
	// One finding per kind of subject (e-mail users, other names) for the
	// role:admin grants, one for the wildcard p lines: a policy granting
	// admin to 13 people is one thing to review.
	var users, others, wild []lineNote
	var userOne, otherOne, wildOne policy.Finding
	var userNames, otherNames, wildWho []string
	for _, l := range in.gLines() {
		sub := l.Subject()
		if !principal(sub) || !reachAdmin[sub] || !reachAdmin[l.Role()] {
			continue
		}
		one := policy.Finding{
			Message: fmt.Sprintf("%s gets role:admin but is not an admin group", quoteField(in.shortName(sub))),
			Detail:  in.set.DisplayName(sub) + " is not in the settings' adminGroups; role:admin can change every application, cluster, repository and project",
			Fix:     "give a narrower role, or list the group under adminGroups in the settings",
		}
		note := lineNote{l, in.set.DisplayName(sub) + " gets role:admin"}
		if isUserName(sub) {
			users, userOne, userNames = append(users, note), one, appendNew(userNames, sub)
		} else {
			others, otherOne, otherNames = append(others, note), one, appendNew(otherNames, in.shortName(sub))
		}
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
		wild = append(wild, lineNote{l, fmt.Sprintf("every action on all %s, held by %s", l.Resource(), joinAtMost(who, 20))})
		for _, w := range who {
			wildWho = appendNew(wildWho, in.shortName(w))
		}
		wildOne = policy.Finding{
			Message: fmt.Sprintf("every action on all %s for %s, not admin groups", l.Resource(), joinAtMost(who, 3)),
			Detail:  "a wildcard action on every object is admin power over that resource; held by " + joinAtMost(who, 20),
			Fix:     "grant the actions needed on the projects needed, or list the group under adminGroups",
		}
	}
	var out []policy.Finding
	if len(others) > 0 {
		out = append(out, in.grouped(others, otherOne,
			fmt.Sprintf("%d subjects get role:admin but are not admin groups: %s", len(otherNames), joinAtMost(otherNames, 2)),
			"give narrower roles, or list the groups under adminGroups in the settings"))
	}
	if len(users) > 0 {
		out = append(out, in.grouped(users, userOne,
			fmt.Sprintf("%d e-mail users get role:admin directly, not via an admin group (%s)", len(userNames), joinAtMost(userNames, 1)),
			"grant role:admin to an admin group and put these users in it, or give them narrower roles"))
	}
	if len(wild) > 0 {
		out = append(out, in.grouped(wild, wildOne,
			fmt.Sprintf("%s grant every action on a whole resource to %s, not admin groups", linesText(wild), joinAtMost(wildWho, 2)),
			"grant the actions needed on the projects needed, or list the groups under adminGroups"))
	}
	return out
}

// appendNew appends s unless list has it.
func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// joinAtMost joins the first n names and counts the rest.
func joinAtMost(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}
