package rules

// PROJ-003 and PROJ-008 restrict the resources and objects of AppProject
// role policies to the requests argocd-server loads them for.
// server/rbacpolicy/rbacpolicy.go (getProjectFromRequest) adds a project's
// role policies only to requests about that project: applications,
// applicationsets, repositories, clusters, logs and exec whose object is
// <project>/..., and projects whose object is the project's name. A line
// for another resource or project is never evaluated (a dead line, PROJ-003);
// a wildcard object (* or */*) is confined to this project by that choice,
// but Argo CD's API (ValidateProject in
// pkg/apis/application/v1alpha1/app_project_types.go) refuses it (PROJ-008).

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var rulePROJ003 = policy.Rule{
	ID: "PROJ-003", Title: "AppProject role policy that no request about the project reaches",
	Severity: policy.SeverityHigh, Category: "appproject", Action: policy.ActionDeny,
	Doc: "argocd-server loads a project's role policies only for requests about that project: applications, " +
		"applicationsets, repositories, clusters, logs and exec objects <project>/..., and the projects object " +
		"<project>. A line whose resource is none of these (certificates, accounts, gpgkeys, extensions) or " +
		"whose object names another project can never match: the role's members do not get what the line " +
		"says. Judged in glob mode only (a regex is not judged). Grant global permissions in argocd-rbac-cm; " +
		"write objects as <project>/<app>." +
		" Source: Argo CD: server/rbacpolicy/rbacpolicy.go (getProjectFromRequest, EnforceClaims).",
	Check: checkPROJDeadObjects,
}

var rulePROJ008 = policy.Rule{
	ID: "PROJ-008", Title: "AppProject role policy with a wildcard object beyond <project>/",
	Severity: policy.SeverityLow, Category: "appproject", Action: policy.ActionWarn,
	Doc: "An object such as * or */* in a role policy looks like it reaches every project. argocd-server " +
		"confines it to requests about this project, so it grants no more than <project>/*, but Argo CD's API " +
		"refuses such a policy: the next edit of the project through the UI or CLI fails. Write <project>/*.",
	Check: checkPROJWildcardObjects,
}

// projectScoped are the resources whose requests name a project.
var projectScoped = []string{rbac.ResourceApplications, rbac.ResourceApplicationSets, rbac.ResourceRepositories,
	rbac.ResourceClusters, rbac.ResourceLogs, rbac.ResourceExec, rbac.ResourceProjects}

// reach says which of the project's requests a p line can match: objects
// <project>/... of a project-scoped resource, and the project itself.
type reach struct{ scoped, project bool }

func (p projInput) reachOf(l *rbac.Line) reach {
	var r reach
	for _, res := range projectScoped {
		if !rbac.MatchPattern(l.Resource(), res, false) {
			continue
		}
		if res == rbac.ResourceProjects {
			r.project = r.project || rbac.MatchPattern(l.Object(), p.name, false)
		} else {
			r.scoped = r.scoped || mayMatchPrefix(l.Object(), p.name+"/")
		}
	}
	return r
}

// mayMatchPrefix reports whether a glob can match some text starting with
// prefix: false only when its literal start already differs.
func mayMatchPrefix(pattern, prefix string) bool {
	i := strings.IndexAny(pattern, `*?[{\`)
	if i < 0 {
		return strings.HasPrefix(pattern, prefix)
	}
	lit := pattern[:i]
	return strings.HasPrefix(prefix, lit) || strings.HasPrefix(lit, prefix)
}

func checkPROJDeadObjects(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		if p.regex {
			continue
		}
		for _, l := range p.pLines() {
			if r := p.reachOf(l.Line); r.scoped || r.project {
				continue
			}
			msg := fmt.Sprintf("object %s is not in project %s: the line never matches", quoteField(l.Line.Object()), p.name)
			fix := fmt.Sprintf("write the object as %s/<app> (or %s/*)", p.name, p.name)
			if !scopedResource(l.Line.Resource()) {
				msg = fmt.Sprintf("resource %s is not project-scoped: the line never matches", quoteField(l.Line.Resource()))
				fix = "grant it in argocd-rbac-cm; project roles only reach " + strings.Join(projectScoped, ", ")
			}
			out = append(out, policy.Finding{
				Location: p.at(l.Path),
				Message:  msg,
				Detail:   "argocd-server loads a project's role policies only for requests about that project",
				Fix:      fix,
			})
		}
	}
	return out
}

// scopedResource reports whether a resource pattern matches a project-scoped resource.
func scopedResource(resource string) bool {
	for _, res := range projectScoped {
		if rbac.MatchPattern(resource, res, false) {
			return true
		}
	}
	return false
}

func checkPROJWildcardObjects(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		if p.regex {
			continue
		}
		for _, l := range p.pLines() {
			obj := l.Line.Object()
			if !p.reachOf(l.Line).scoped || strings.HasPrefix(obj, p.name+"/") {
				continue
			}
			out = append(out, policy.Finding{
				Location: p.at(l.Path),
				Message:  fmt.Sprintf("object %s reaches only project %s here; write %s/*", quoteField(obj), p.name, p.name),
				Detail:   "argocd-server confines role policies to their project, but Argo CD's API refuses this line on the project's next edit",
				Fix:      fmt.Sprintf("write %s/%s", p.name, strings.TrimPrefix(obj, "*/")),
			})
		}
	}
	return out
}
