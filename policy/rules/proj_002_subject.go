package rules

// PROJ-002 restricts a role's policies to its own subject,
// proj:<project>:<role>. server/rbacpolicy/rbacpolicy.go loads a project's
// role policies verbatim (AppProject.ProjectPoliciesString in
// pkg/apis/application/v1alpha1/app_project_types.go) for every request about
// the project and checks the default role, the user and the user's groups
// against them: a line with another subject grants that subject, not the
// role's members. A g line binding someone to a global role (role:admin)
// or an allow for a global role or policy.default's role gives the project's objects to people the project's roles do not list: an
// unambiguous hole that Argo CD's API (ValidateProject) would refuse and
// kubectl or GitOps do not.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var rulePROJ002 = policy.Rule{
	ID: "PROJ-002", Title: "AppProject role policy for a subject other than the role",
	Severity: policy.SeverityHigh, Category: "appproject", Action: policy.ActionDeny,
	Doc: "Each role's policies should read p, proj:<project>:<role>, ... . argocd-server loads them verbatim for " +
		"every request about the project, so a line with another subject grants that subject: a g line binding " +
		"someone to a global role (g, x, role:admin makes x admin of the project's applications, the project " +
		"and its clusters), or an allow for a role:* subject or policy.default's role (everyone holding it) " +
		"is denied. An allow for a group or user, a line for another role of the same " +
		"project, and a g line to one of this project's roles work but bypass the role's groups list; a line " +
		"for another project's role is inert (its tokens are refused here). These are warnings; Argo CD's " +
		"API refuses them all, so later edits through the UI or CLI fail." +
		" Source: Argo CD: server/rbacpolicy/rbacpolicy.go (EnforceClaims), pkg/apis/application/v1alpha1/app_project_types.go (ProjectPoliciesString, ValidateProject).",
	Check: checkPROJSubject,
}

func checkPROJSubject(s *policy.Snapshot) []policy.Finding {
	defaultRole := ""
	if c := s.RBAC(); c != nil {
		defaultRole = c.Policy.Default
	}
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		for _, l := range p.Lines {
			if l.Line == nil || l.Line.Ignored() {
				continue
			}
			own := p.roleSubject(l.Role)
			sub := l.Line.Subject()
			f := policy.Finding{Location: p.at(l.Path), Fix: "write the line for " + own + " and list the members in the role's groups"}
			switch l.Line.Type {
			case "g":
				target := l.Line.Role()
				if proj, _, ok := rbac.ParseProjectRoleSubject(target); ok && proj == p.name {
					f.Action = policy.ActionWarn
					f.Message = fmt.Sprintf("g line binds %s to %s: put it in the role's groups", rbac.SubjectName(sub), target)
					f.Detail = "it works for requests about this project, but Argo CD's API refuses the project on its next edit"
				} else {
					f.Message = fmt.Sprintf("g line gives %s the role %s for this project's objects", rbac.SubjectName(sub), target)
					f.Detail = "argocd-server loads role policies verbatim for requests about the project; Argo CD's API would refuse this line"
					f.Fix = "remove the line; grant through " + own + " and its groups"
				}
			case "p":
				if sub == own {
					continue
				}
				allow := l.Line.Effect() == "allow"
				proj, _, isProjRole := rbac.ParseProjectRoleSubject(sub)
				switch {
				case allow && (strings.HasPrefix(sub, "role:") || (defaultRole != "" && sub == defaultRole)):
					who := "everyone holding " + sub
					if sub == defaultRole {
						who = "every user"
					}
					f.Message = fmt.Sprintf("role %s grants %s: %s", p.Project.Roles[l.Role].Name, rbac.SubjectName(sub), who)
					f.Detail = fmt.Sprintf("the line is loaded for every request about %s, so %s gains %s %s %s", p.name, who, l.Line.Action(), l.Line.Resource(), l.Line.Object())
				case isProjRole && proj != p.name:
					f.Action = policy.ActionWarn
					f.Message = fmt.Sprintf("line for another project's role %s does nothing here", sub)
					f.Detail = "argocd-server refuses tokens of another project for requests about this one"
				default:
					f.Action = policy.ActionWarn
					f.Message = fmt.Sprintf("line for %s in role %s: it bypasses the role", rbac.SubjectName(sub), p.Project.Roles[l.Role].Name)
					f.Detail = "it grants that subject for requests about this project; Argo CD's API refuses the project on its next edit"
				}
			}
			out = append(out, f)
		}
	}
	return out
}
