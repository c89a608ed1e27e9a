package report

// Where a line of an AppProject's role policies comes from. argocd-server
// loads a project's roles as one text (rbac.ProjectPolicies): per role a
// generated projects/get line, the role's policies, then a g line per
// group; a rbac.Line of that text carries Key "project:<name>" and its
// line number in the text. These helpers turn it back into the field of
// the AppProject it was written in.

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// ProjectLineField returns the field path line n (from 1) of p's policy
// text comes from: spec.roles[i].name for the generated get line,
// spec.roles[i].policies[j] for a policy, spec.roles[i].groups[j] for a
// g line; "" when n is out of range.
func ProjectLineField(p *rbac.AppProject, n int) string {
	k := 0
	for i, r := range p.Roles {
		role := field.NewPath("spec", "roles").Index(i)
		if k++; k == n {
			return role.Child("name").String()
		}
		for j, text := range r.Policies {
			if k += strings.Count(text, "\n") + 1; k >= n {
				return role.Child("policies").Index(j).String()
			}
		}
		for j := range r.Groups {
			if k++; k == n {
				return role.Child("groups").Index(j).String()
			}
		}
	}
	return ""
}

// ProjectLocator renders the lines of AppProject roles as their file line
// and field, and every other line with Global.
type ProjectLocator struct {
	Global   PolicyLocator
	Snapshot *policy.Snapshot
}

// LineRef implements PolicyLocator.
func (pl ProjectLocator) LineRef(l *rbac.Line) string {
	if ref, ok := projectLineRef(pl.Snapshot, l); ok {
		return ref
	}
	return pl.Global.LineRef(l)
}

// FindingWhere implements PolicyLocator.
func (pl ProjectLocator) FindingWhere(l policy.Location) string {
	return pl.Global.FindingWhere(l)
}

// projectLineRef renders a project role line: "team-a.yaml:21
// AppProject argocd/team-a spec.roles[0].policies[1]".
func projectLineRef(snap *policy.Snapshot, l *rbac.Line) (string, bool) {
	if snap == nil {
		return "", false
	}
	r, ok := projectLineRefOf(snap, l)
	if !ok || r.File == "" {
		return r.Where, ok
	}
	at := r.File
	if r.FileLine > 0 {
		at = fmt.Sprintf("%s:%d", at, r.FileLine)
	}
	return at + " " + r.Where, true
}
