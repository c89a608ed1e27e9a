package rules

// PROJ-010 reports, on an UPDATE of an AppProject, who gains and who loses
// which permission for requests about the project: the semantic diff of
// argocd-server's policy for that project (the global policy plus the
// project's role policies, server/rbacpolicy/rbacpolicy.go) before and
// after, as RBAC-017 does for argocd-rbac-cm.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var rulePROJ010 = policy.Rule{
	ID: "PROJ-010", Title: "AppProject change grants new permissions",
	Severity: policy.SeverityMedium, Category: "appproject", Action: policy.ActionWarn,
	Doc: "On an update of an AppProject argoguard compares what every user, group and role holds for requests " +
		"about the project before and after (argocd-rbac-cm and the project's roles together, as argocd-server " +
		"evaluates them) and lists who gains what, so that an approval is an approval of the effect. What is " +
		"revoked is listed as an audit finding. On a delete it lists, as warnings, what every user and group " +
		"loses with the project's roles, and says that Argo CD's application controller stops reconciling " +
		"the project's Applications (controller/appcontroller.go, refreshAppConditions: InvalidSpecError).",
	Check: checkPROJUpdateDiff,
}

func checkPROJUpdateDiff(s *policy.Snapshot) []policy.Finding {
	if s.Changed == nil || s.Changed.Kind != policy.KindAppProject {
		return nil
	}
	switch s.Operation {
	case "DELETE":
		return checkPROJDelete(s)
	case "UPDATE":
	default:
		return nil
	}
	old := s.OldAppProject()
	var cur *policy.ProjectConfig
	for _, c := range s.AppProjects() {
		if c.Obj.Ref == *s.Changed {
			cur = c
		}
	}
	if old == nil || cur == nil || len(cur.Errors) > 0 {
		return nil
	}
	global := s.GlobalEnforcer()
	name := cur.Project.Name
	enforcer := func(c *policy.ProjectConfig) *rbac.Enforcer {
		if len(c.Errors) > 0 {
			return global // Argo CD could not read the old project: it had no roles
		}
		p := *c.Project
		p.Name = name
		return rbac.NewProjectEnforcer(global, []*rbac.AppProject{&p}).ForProject(name)
	}
	diff := rbac.Diff(enforcer(old), enforcer(cur))
	paths := projectLinePaths(cur.Project)
	set := settingsOf(s)
	bySubject, subjects := changesBySubject(diff.Changes)
	var out []policy.Finding
	for _, sub := range subjects {
		for _, gained := range []bool{true, false} {
			var what []string
			loc := atField(cur.Obj, "spec.roles")
			for _, c := range bySubject[sub] {
				if c.Gained != gained {
					continue
				}
				what = append(what, c.What())
				if path, ok := linePath(c.Line, name, paths); ok && gained && loc.Path == "spec.roles" {
					loc = atField(cur.Obj, path)
				}
			}
			if len(what) == 0 {
				continue
			}
			who := rbac.SubjectName(set.DisplayName(sub))
			msg := fmt.Sprintf("%s %s", who, what[0])
			if len(what) > 1 {
				msg += fmt.Sprintf(" and %d more", len(what)-1)
			}
			// A new role explains the gains better than its first permission.
			if rc, ok := gainedRole(diff.Roles, sub); ok && gained {
				msg = fmt.Sprintf("%s gains role %s (%d new permissions)", who, rc.Role, len(what))
				if path, ok := linePath(rc.Line, name, paths); ok {
					loc = atField(cur.Obj, path)
				}
			}
			f := policy.Finding{Location: loc, Message: msg, Detail: strings.Join(what, "; "),
				Fix: "make sure the change is meant to grant this"}
			if !gained {
				f.Action, f.Fix = policy.ActionAudit, "make sure the change is meant to revoke this"
			}
			out = append(out, f)
		}
	}
	return out
}

// projectLinePaths gives, for each line of rbac.ProjectPolicies(p), the
// field it comes from.
func projectLinePaths(p *rbac.AppProject) []string {
	var out []string
	for i, r := range p.Roles {
		out = append(out, fmt.Sprintf("spec.roles[%d].name", i))
		for j, pol := range r.Policies {
			for range strings.Split(pol, "\n") {
				out = append(out, fmt.Sprintf("spec.roles[%d].policies[%d]", i, j))
			}
		}
		for k := range r.Groups {
			out = append(out, groupPath(i, k))
		}
	}
	return out
}

// linePath is the field a line of the project's policy text comes from.
func linePath(l *rbac.Line, project string, paths []string) (string, bool) {
	if l == nil || l.Key != rbac.ProjectPolicyKey(project) || l.Line < 1 || l.Line > len(paths) {
		return "", false
	}
	return paths[l.Line-1], true
}
