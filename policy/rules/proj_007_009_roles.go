package rules

// PROJ-007 and PROJ-009 look at AppProject roles as a whole. A role gets
// p, proj:<project>:<role>, projects, get, <project>, allow and its own
// policies (AppProject.ProjectPoliciesString in
// pkg/apis/application/v1alpha1/app_project_types.go): without a policy of
// its own it grants nothing beyond seeing the project. Project tokens are
// checked against their exp only when one is set
// (server/rbacpolicy/rbacpolicy.go, util/session); Argo CD records them in
// status.jwtTokensByRole and the roles' jwtTokens (policy.ProjectToken).

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
)

var rulePROJ007 = policy.Rule{
	ID: "PROJ-007", Title: "AppProject role that grants nothing",
	Severity: policy.SeverityMedium, Category: "appproject", Action: policy.ActionWarn,
	Doc: "A role without a policy line for its own subject proj:<project>:<role> gives its groups and tokens " +
		"only get on the project itself. Usually the policies were written for another subject or forgotten. " +
		"Add p, proj:<project>:<role>, <resource>, <action>, <project>/<app>, allow.",
	Check: checkPROJEmptyRole,
}

var rulePROJ009 = policy.Rule{
	ID: "PROJ-009", Title: "AppProject role token without expiry",
	Severity: policy.SeverityLow, Category: "appproject", Action: policy.ActionAudit,
	Doc: "A project token without exp (in status.jwtTokensByRole or a role's jwtTokens) never expires: it works " +
		"until it is deleted from the role. Issue tokens with `argocd proj role create-token --expires-in` and rotate them.",
	Check: checkPROJTokenExpiry,
}

func checkPROJEmptyRole(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		if !p.Loads() || len(p.Errors) > 0 {
			continue // PROJ-001: nothing of the project loads
		}
		has := map[int]bool{}
		for _, l := range p.pLines() {
			if l.Line.Subject() == p.roleSubject(l.Role) && l.Line.Effect() == "allow" {
				has[l.Role] = true
			}
		}
		for i, r := range p.Project.Roles {
			if has[i] {
				continue
			}
			out = append(out, policy.Finding{
				Location: p.at(fmt.Sprintf("spec.roles[%d]", i)),
				Message:  fmt.Sprintf("role %s has no allow line for %s: it grants only get on the project", r.Name, p.roleSubject(i)),
				Fix:      fmt.Sprintf("add p, %s, applications, get, %s/*, allow (or what the role is for)", p.roleSubject(i), p.name),
			})
		}
	}
	return out
}

func checkPROJTokenExpiry(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		for _, t := range p.Tokens {
			if t.Token.ExpiresAt != 0 {
				continue
			}
			also := ""
			if t.AlsoAt != "" {
				also = " (also recorded at " + t.AlsoAt + ")"
			}
			out = append(out, policy.Finding{
				Location: p.at(t.Path),
				Message:  fmt.Sprintf("token %s of role %s never expires%s", tokenName(t.Token.ID, t.Token.IssuedAt), t.Role, also),
				Fix:      fmt.Sprintf("delete it (argocd proj role delete-token %s %s %d) and create one with --expires-in", p.name, t.Role, t.Token.IssuedAt),
			})
		}
	}
	return out
}

func tokenName(id string, iat int64) string {
	if id != "" {
		return quoteField(id)
	}
	return fmt.Sprintf("issued at %d", iat)
}
