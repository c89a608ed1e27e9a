package rules

// PROJ-001 restricts AppProject roles to policy lines argocd-server loads.
// server/rbacpolicy/rbacpolicy.go adds a project's role policies
// (AppProject.ProjectPoliciesString in
// pkg/apis/application/v1alpha1/app_project_types.go) to the enforcer for
// requests about the project; one line that does not load (util/rbac/rbac.go,
// encoding/csv) makes it drop all of them, so every role of the project
// grants nothing. Argo CD's own check (ValidateProject) runs only on changes
// made through its API; kubectl and GitOps bypass it.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
)

var rulePROJ001 = policy.Rule{
	ID: "PROJ-001", Title: "AppProject role policy Argo CD cannot load",
	Severity: policy.SeverityCritical, Category: "appproject", Action: policy.ActionDeny,
	Doc: "argocd-server adds an AppProject's role policies to its RBAC for requests about the project. A " +
		"policy line it cannot read (a p line needs exactly 6 fields, a g line 3; CSV quoting) makes it drop " +
		"all of the project's role policies: every role of the project grants nothing and its members and " +
		"tokens are refused. So does a role name or groups entry with a comma, quote or newline (Argo CD writes " +
		"them into p and g lines). A field of the wrong type makes the project unreadable to Argo CD. Lines of type " +
		"r, e or m load and do nothing (a warning). Argo CD validates roles only when they are changed through " +
		"its API; kubectl and GitOps bypass that. Fix the named entry." +
		" Source: Argo CD: server/rbacpolicy/rbacpolicy.go, pkg/apis/application/v1alpha1/app_project_types.go, util/rbac/rbac.go.",
	Check: checkPROJSyntax,
}

func checkPROJSyntax(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		for _, e := range p.Errors {
			out = append(out, policy.Finding{
				Location: p.at(e.Field),
				Message:  "Argo CD cannot read this field: " + e.ErrorBody(),
				Detail:   "argocd-server cannot decode the project, so none of its roles apply",
				Fix:      "give the field the type AppProject defines",
			})
		}
		for _, l := range p.Generated {
			out = append(out, policy.Finding{
				Location: p.at(l.Path),
				Message:  "the line Argo CD writes from this value does not load: " + l.Err,
				Detail:   "a comma, quote or newline in a role name or group breaks the generated line; argocd-server drops all of the project's role policies",
				Fix:      "remove the comma, quote or newline",
			})
		}
		for _, l := range p.Lines {
			switch {
			case l.Err != "":
				out = append(out, policy.Finding{
					Location: p.at(l.Path),
					Message:  "Argo CD refuses this policy: " + l.Err,
					Detail:   "one unreadable role policy makes argocd-server drop all of the project's role policies; its roles grant nothing",
					Fix:      lineFix(l.Err),
				})
			case l.Line.Ignored():
				out = append(out, policy.Finding{
					Action:   policy.ActionWarn, // loads, does nothing
					Location: p.at(l.Path),
					Message:  fmt.Sprintf("a %q line is loaded but ignored: it grants nothing", l.Line.Type),
					Fix:      fmt.Sprintf("write p, %s, <resource>, <action>, %s/<app>, allow", p.roleSubject(l.Role), p.name),
				})
			}
		}
	}
	return out
}
