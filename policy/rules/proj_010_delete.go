package rules

// PROJ-010 on a DELETE of an AppProject: what argocd-server no longer
// grants once the project's roles are gone (the project's policy before,
// argocd-rbac-cm alone after), per user or group. A warning, not an audit
// finding as on UPDATE: revoking is all a delete does, and whoever deletes
// a project should see whom it locks out.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// projectGoneDetail is what Argo CD does with the Applications of a
// project that no longer exists: its application controller sets the
// InvalidSpecError condition ("Application referencing project ... which
// does not exist") and no longer compares or syncs them.
const projectGoneDetail = "Argo CD's application controller marks every Application of a deleted project InvalidSpecError " +
	"(referencing a project which does not exist) and stops reconciling it (controller/appcontroller.go, refreshAppConditions); " +
	"argoguard does not list Applications"

func checkPROJDelete(s *policy.Snapshot) []policy.Finding {
	if s.Old == nil || s.Old.Ref != *s.Changed {
		return nil // a delete without the old object: its roles are unknown
	}
	old := s.OldAppProject()
	if old == nil {
		return nil
	}
	name := s.Changed.Name
	gone := policy.Finding{Location: atField(s.Old, "spec"),
		Message: fmt.Sprintf("deleting %s: the project's Applications, if any, stop syncing", name),
		Detail:  projectGoneDetail, Fix: "move or delete the project's Applications first"}
	if len(old.Errors) > 0 {
		return []policy.Finding{gone} // Argo CD could not read its roles: they granted nothing
	}
	global := s.GlobalEnforcer()
	p := *old.Project
	p.Name = name
	diff := rbac.Diff(rbac.NewProjectEnforcer(global, []*rbac.AppProject{&p}).ForProject(name), global)
	paths := projectLinePaths(&p)
	set := settingsOf(s)
	bySubject, subjects := changesBySubject(diff.Changes)
	var out []policy.Finding
	for _, sub := range subjects {
		var what []string
		for _, c := range bySubject[sub] {
			if !c.Gained {
				what = append(what, c.What())
			}
		}
		if len(what) == 0 {
			continue
		}
		// The group's name keeps the admission warning on one line; the
		// Detail has the ID.
		who := rbac.SubjectName(sub)
		if g, ok := set.GroupByID(sub); ok && g.Name != "" {
			who = g.Name
		}
		msg := fmt.Sprintf("%s %s", who, what[0])
		if len(what) > 1 {
			msg += fmt.Sprintf(" and %d more", len(what)-1)
		}
		loc := atField(s.Old, "spec.roles")
		if rc, ok := lostRole(diff.Roles, sub); ok {
			msg = fmt.Sprintf("%s loses role %s (%d permissions)", who, rc.Role, len(what))
			if path, ok := linePath(rc.Line, name, paths); ok {
				loc = atField(s.Old, path)
			}
		}
		out = append(out, policy.Finding{Location: loc, Message: msg,
			Detail: fmt.Sprintf("deleting %s revokes, for %s: %s. %s", name, rbac.SubjectName(set.DisplayName(sub)), strings.Join(what, "; "), projectGoneDetail),
			Fix:    "make sure the delete is meant to revoke this"})
	}
	if len(out) == 0 {
		out = append(out, gone)
	}
	return out
}

// lostRole returns the first role sub stops holding.
func lostRole(rcs []rbac.RoleChange, sub string) (rbac.RoleChange, bool) {
	for _, rc := range rcs {
		if rc.Subject == sub && !rc.Gained {
			return rc, true
		}
	}
	return rbac.RoleChange{}, false
}
