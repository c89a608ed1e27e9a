package rules

// RBAC-011 and RBAC-012 restrict the two non-policy keys argocd-server
// reads: policy.matchMode (any typo silently means glob) and scopes (a
// value that is not a YAML list stops argocd-server).

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v2"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/sso"
)

func init() {
	register(policy.Rule{
		ID: "RBAC-011", Title: "policy.matchMode is neither glob nor regex",
		Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
		Doc: "Argo CD switches to regex matching only for the exact value regex; anything else (Regex, regexp, " +
			"\"regex \") silently means glob, so patterns written as regular expressions match nothing. Write glob or regex.",
		Check: checkRBACMatchMode,
	})
	register(policy.Rule{
		ID: "RBAC-012", Title: "scopes is not a YAML list of strings",
		Severity: policy.SeverityCritical, Category: "rbac", Action: policy.ActionDeny,
		Doc: "argocd-server reads scopes as a YAML list ('[groups, email]' or a block list). A plain string " +
			"(groups, or groups, email) makes argocd-server exit at start-up and stops policy reloads later. " +
			"Write scopes: '[groups, email]'." +
			" Source: Argo CD: server/server.go (rbacPolicyLoader reads scopes as a YAML list).",
		Check: checkRBACScopes,
	})
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

// parseScopes decodes scopes as argocd-server does (YAML into []string).
// Empty or absent means the default [groups].
// The result is shared (cached by value): callers must not change it.
func parseScopes(value string) ([]string, error) {
	p := scopesCache.get(value, func() parsedScopes {
		if value == "" {
			return parsedScopes{scopes: []string{"groups"}}
		}
		if err := sso.CheckBudget(value); err != nil {
			return parsedScopes{err: err}
		}
		var scopes []string
		err := yaml.Unmarshal([]byte(value), &scopes)
		return parsedScopes{scopes, err}
	})
	if p.err != nil {
		return nil, p.err
	}
	return p.scopes, nil
}

// scopesCache: two rules read scopes in every evaluation, YAML each time.
var scopesCache = stringCache[parsedScopes]{max: 16}

type parsedScopes struct {
	scopes []string
	err    error
}

func checkRBACScopes(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || !in.pol.ScopesSet {
		return nil
	}
	if _, err := parseScopes(in.pol.Scopes); err != nil {
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
