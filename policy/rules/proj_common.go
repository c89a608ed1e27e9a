package rules

// Shared by the AppProject rules (proj_*.go): the snapshot's projects as
// argocd-server loads their roles, and locations on their fields.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// projInput is one AppProject as the PROJ rules see it.
type projInput struct {
	*policy.ProjectConfig
	name string
	// regex is argocd-rbac-cm's match mode: project lines are loaded into
	// the same enforcer, so they match the same way.
	regex bool
}

// loadProjects returns the snapshot's AppProjects.
func loadProjects(s *policy.Snapshot) []projInput {
	regex := false
	if c := s.RBAC(); c != nil {
		regex = c.Policy.Regex()
	}
	var out []projInput
	for _, c := range s.AppProjects() {
		out = append(out, projInput{ProjectConfig: c, name: c.Project.Name, regex: regex})
	}
	return out
}

// at locates a finding on a field of the project.
func (p projInput) at(path string) policy.Location { return atField(p.Obj, path) }

// atField locates a finding on a field path of an AppProject or
// ServiceAccount, with the file line when the CLI read it from a file.
func atField(obj *policy.Object, path string) policy.Location {
	loc := policy.Location{Object: obj.Ref, Path: path}
	if src := obj.Source; src != nil {
		loc.File = src.File
		if l, ok := src.KeyLines[path]; ok && l > 0 {
			loc.FileLine = l
		} else {
			loc.FileLine = src.Line
		}
	}
	return loc
}

// roleSubject is the subject Argo CD gives role i of the project.
func (p projInput) roleSubject(i int) string {
	return rbac.ProjectRoleSubject(p.name, p.Project.Roles[i].Name)
}

// pLines are the loadable p lines with their entries.
func (p projInput) pLines() []policy.ProjectLine {
	var out []policy.ProjectLine
	for _, l := range p.Lines {
		if l.Line != nil && l.Line.Type == "p" {
			out = append(out, l)
		}
	}
	return out
}

// groupPath is the field path of role i's group j.
func groupPath(i, j int) string {
	return fmt.Sprintf("spec.roles[%d].groups[%d]", i, j)
}

// groupRef is a value argocd-server matches against group claims for a
// role: a groups entry, or the subject of a g line in the role's policies.
type groupRef struct {
	path, value, role string
}

// groupRefs lists the project's group references in field order.
func (p projInput) groupRefs() []groupRef {
	var out []groupRef
	for i, r := range p.Project.Roles {
		for j, g := range r.Groups {
			out = append(out, groupRef{path: groupPath(i, j), value: g, role: r.Name})
		}
		for _, l := range p.Lines {
			if l.Role == i && l.Line != nil && l.Line.Type == "g" {
				out = append(out, groupRef{path: l.Path, value: l.Line.Subject(), role: r.Name})
			}
		}
	}
	return out
}
