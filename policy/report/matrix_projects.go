package report

// The AppProjects in the permission matrix: a column per project role
// (proj:<project>:<role>) and a section per project whose rows argocd-server
// answers with argocd-rbac-cm plus that project's roles.

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// projectRoleSubjects are the role columns of the snapshot's AppProjects.
func projectRoleSubjects(snap *policy.Snapshot) []Subject {
	var out []Subject
	for _, c := range snap.AppProjects() {
		for _, r := range c.Project.Roles {
			name := rbac.ProjectRoleSubject(c.Project.Name, r.Name)
			out = append(out, Subject{Name: name, Kind: SubjectRole, Display: name})
		}
	}
	return out
}

// addProjectSections adds one section per AppProject: its applications
// and the project itself, answered as argocd-server answers requests about
// that project.
func (m *Matrix) addProjectSections(snap *policy.Snapshot) {
	pe := snap.ProjectEnforcer()
	global := lineRefFunc(snap.RBACCM)
	ref := func(l *rbac.Line) LineRef {
		if r, ok := projectLineRefOf(snap, l); ok {
			return r
		}
		return global(l)
	}
	for _, c := range snap.AppProjects() {
		name := c.Project.Name
		sec := MatrixSection{Pattern: name + "/*", Title: "Applications in project " + name + " (with " + c.Obj.Ref.String() + " roles)"}
		switch {
		case pe.Project(name) == nil:
			sec.Note = "argocd-server cannot read this AppProject's spec: requests about it get argocd-rbac-cm alone"
		case !c.Loads():
			sec.Note = "a role policy line Argo CD refuses makes argocd-server ignore all of this project's roles"
		}
		e := pe.ForProject(name)
		for _, ra := range matrixActions {
			if !rbac.AppObjectResources[ra.resource] {
				continue
			}
			for _, act := range ra.actions {
				sec.Rows = append(sec.Rows, m.row(e, ref, ra.resource, act, name+"/*"))
			}
		}
		sec.Rows = append(sec.Rows, m.row(e, ref, rbac.ResourceProjects, "get", name))
		m.Sections = append(m.Sections, sec)
	}
}

// projectLineRefOf renders a line of an AppProject's roles with the field
// and file line it was written at.
func projectLineRefOf(snap *policy.Snapshot, l *rbac.Line) (LineRef, bool) {
	if l == nil || !strings.HasPrefix(l.Key, "project:") {
		return LineRef{}, false
	}
	name := strings.TrimPrefix(l.Key, "project:")
	for _, c := range snap.AppProjects() {
		if c.Project.Name != name {
			continue
		}
		path := ProjectLineField(c.Project, l.Line)
		r := LineRef{Text: strings.TrimSpace(l.Text), Where: c.Obj.Ref.String() + " " + path, Key: l.Key, Line: l.Line}
		if src := c.Obj.Source; src != nil {
			r.File, r.FileLine = src.File, src.KeyLines[path]
		}
		return r, true
	}
	return LineRef{}, false
}
