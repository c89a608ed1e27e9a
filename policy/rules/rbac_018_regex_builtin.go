package rules

// RBAC-018 restricts regex match mode to policies that do not rely on the
// built-in roles: their `*` and `*/*` patterns are invalid regexes, so
// role:admin, role:readonly and the admin user grant nothing in regex mode.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC018 = policy.Rule{
	ID: "RBAC-018", Title: "Regex match mode with built-in roles",
	Severity: policy.SeverityCritical, Category: "rbac", Action: policy.ActionDeny,
	Doc: "The built-in policy is written for glob matching (`*`, `*/*`). In regex mode those are invalid " +
		"regular expressions: casbin fails every request that reaches them, so role:admin, role:readonly and the " +
		"local admin user grant nothing (Argo CD issue #13127), and administrators are locked out. Define your " +
		"own roles with regex patterns (.*) or stay in glob mode." +
		" Source: Argo CD: assets/builtin-policy.csv, util/rbac/rbac.go (regex match mode).",
	Check: checkRBACRegexBuiltin,
}

func checkRBACRegexBuiltin(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || !in.pol.Regex() {
		return nil
	}
	var out []policy.Finding
	if def := in.pol.Default; def != "" && usesBuiltinRole(&in, def) {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyDefault),
			Message:  fmt.Sprintf("policy.default %s relies on a built-in role, which grants nothing in regex mode", def),
			Fix:      "define a role with regex patterns, or use glob mode",
		})
	}
	for _, l := range in.userLines() {
		var target string
		switch l.Type {
		case "g":
			target = l.Role()
		case "p":
			target = l.Subject()
		default:
			continue
		}
		if rbac.IsBuiltinRole(target) {
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("%s grants nothing in regex mode (its */* patterns are invalid regexes)", target),
				Detail:   "requests that reach the built-in lines fail, whatever else this line adds",
				Fix:      "define your own role with regex patterns (.*), or use glob mode",
			})
		}
	}
	return out
}

func usesBuiltinRole(in *rbacInput, sub string) bool {
	if in.enf == nil {
		return rbac.IsBuiltinRole(sub)
	}
	for _, r := range in.enf.Roles(sub) {
		if rbac.IsBuiltinRole(r) {
			return true
		}
	}
	return false
}
