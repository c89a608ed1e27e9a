package rules

// RBAC-011 and RBAC-012 restrict the two non-policy keys argocd-server
// reads: policy.matchMode (any typo silently means glob) and scopes (a
// value that is not a YAML list stops argocd-server).

import (
	"errors"
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleRBAC011 = policy.Rule{
	ID: "RBAC-011", Title: "policy.matchMode is neither glob nor regex",
	Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
	Doc: "Argo CD switches to regex matching only for the exact value regex; anything else (Regex, regexp, " +
		"\"regex \") silently means glob, so patterns written as regular expressions match nothing. Write glob or regex.",
	Check: checkRBACMatchMode,
}

var ruleRBAC012 = policy.Rule{
	ID: "RBAC-012", Title: "scopes is not a YAML list of strings",
	Severity: policy.SeverityCritical, Category: "rbac", Action: policy.ActionDeny,
	Doc: "argocd-server reads scopes as a YAML list ('[groups, email]' or a block list). A plain string " +
		"(groups, or groups, email) makes argocd-server exit at start-up and stops policy reloads later. " +
		"Write scopes: '[groups, email]'." +
		" Source: Argo CD: server/server.go (rbacPolicyLoader reads scopes as a YAML list).",
	Check: checkRBACScopes,
}

func checkRBACMatchMode(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	mm, set := in.obj.Data[rbac.KeyMatchMode]
	if !set || mm == "" || mm == rbac.MatchModeGlob || mm == rbac.MatchModeRegex {
		return nil
	}
	return []policy.Finding{{
		Location: in.atKey(rbac.KeyMatchMode),
		Message:  fmt.Sprintf("policy.matchMode %s is neither glob nor regex: Argo CD uses glob", quoteField(mm)),
		Detail:   "only the exact value regex turns on regex matching",
		Fix:      "write glob or regex (lower case, no spaces)",
	}}
}

func checkRBACScopes(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || !in.pol.ScopesSet {
		return nil
	}
	if err := in.cfg.ScopesErr; err != nil {
		if budget := (sso.Problem{}); errors.As(err, &budget) {
			return []policy.Finding{{
				Location: in.atKey(rbac.KeyScopes),
				Message:  "scopes is beyond what argoguard reads: " + budget.Error(),
				Detail:   "a scopes list names a few claims; argoguard does not build a value this large to judge it",
				Fix:      "write scopes: '[groups, email]'",
			}}
		}
		return []policy.Finding{{
			Location: in.atKey(rbac.KeyScopes),
			Message:  fmt.Sprintf("scopes %s is not a YAML list: argocd-server will not start", quoteField(in.pol.Scopes)),
			Detail:   err.Error(),
			Fix:      "write scopes: '[groups, email]'",
		}}
	}
	return nil
}
