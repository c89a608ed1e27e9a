package rules

// RBAC-008 restricts p lines to resources and actions Argo CD enforces, as
// `argocd admin settings rbac validate --strict` does: a misspelt resource
// or action grants nothing.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC008 = policy.Rule{
	ID: "RBAC-008", Title: "Unknown resource or action",
	Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
	Doc: "Argo CD enforces a fixed set of resources (applications, applicationsets, clusters, repositories, " +
		"write-repositories, projects, accounts, certificates, gpgkeys, logs, exec, extensions) each with its " +
		"own actions; update, delete and action on applications also take a /<sub-resource> suffix. A line with " +
		"another name (application, Sync, deploy) never matches a request. rollback is enforced only from Argo " +
		"CD v3.6 (opt-in). Patterns with wildcards are not checked.",
	Check: checkRBACActions,
}

func checkRBACActions(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	regex := in.pol.Regex()
	var out []policy.Finding
	for _, l := range in.pLines() {
		res, act := l.Resource(), l.Action()
		if !isLiteral(res, regex) {
			continue
		}
		base, _, _ := strings.Cut(act, "/")
		if !isLiteral(base, regex) {
			if !rbac.KnownResource(res) {
				out = append(out, actionFinding(&in, l, fmt.Errorf("'%s' is not a valid resource name", res)))
			}
			continue
		}
		if res == rbac.ResourceApplications && act == "rollback" {
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  "action rollback is only enforced from Argo CD v3.6 (opt-in); older versions check sync",
				Fix:      "also grant sync, or enable server.rbac.rollback.enforce.enable on Argo CD v3.6+",
			})
			continue
		}
		if err := rbac.ValidateGrant(res, act); err != nil {
			out = append(out, actionFinding(&in, l, err))
		}
	}
	return out
}

func actionFinding(in *rbacInput, l *rbac.Line, err error) policy.Finding {
	return policy.Finding{
		Location: in.atLine(l),
		Message:  err.Error() + ": the line never matches a request",
		Detail:   "Argo CD enforces resources " + strings.Join(rbac.KnownResources(), ", "),
		Fix:      "use a resource and action from the Argo CD RBAC documentation (lower case)",
	}
}

// isLiteral reports whether a pattern matches only itself.
func isLiteral(p string, regex bool) bool {
	if regex {
		return regexp.QuoteMeta(p) == p
	}
	return !strings.ContainsAny(p, `*?[]{}\`)
}
