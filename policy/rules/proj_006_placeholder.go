package rules

// PROJ-006 reports placeholders left in AppProject roles: a groups entry
// or policy field such as <your-aws-group-id> is matched literally
// (util/rbac/rbac.go), so it binds and grants nobody.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
)

var rulePROJ006 = policy.Rule{
	ID: "PROJ-006", Title: "Placeholder left in an AppProject role",
	Severity: policy.SeverityHigh, Category: "appproject", Action: policy.ActionDeny,
	Doc: "A placeholder copied from a guide (<your-aws-group-id>, <...>, your-..., YOUR_...) in a role's groups " +
		"or policies is matched literally: it binds and grants nobody, and the people meant to get the role are " +
		"locked out. Replace it with the real value (for groups, the GroupId from `aws identitystore list-groups`)." +
		" Source: Argo CD: util/rbac/rbac.go (exact subject and pattern match).",
	Check: checkPROJPlaceholder,
}

func checkPROJPlaceholder(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	fix := "replace it with the real value (for groups: the GroupId from `aws identitystore list-groups`)"
	for _, p := range loadProjects(s) {
		for i, r := range p.Project.Roles {
			for j, g := range r.Groups {
				if m := rbacPlaceholder(g); m != "" {
					out = append(out, policy.Finding{Location: p.at(groupPath(i, j)),
						Message: fmt.Sprintf("placeholder %s left in: it matches nobody", m), Fix: fix})
				}
			}
		}
		for _, l := range p.Lines {
			if l.Line == nil {
				continue
			}
			for _, f := range l.Line.Fields {
				if m := rbacPlaceholder(f); m != "" {
					out = append(out, policy.Finding{Location: p.at(l.Path),
						Message: fmt.Sprintf("placeholder %s left in: the line grants nobody", m), Fix: fix})
					break
				}
			}
		}
	}
	return out
}
