package wfrbac

// SSO namespace delegation. With SSO_DELEGATE_RBAC_TO_NAMESPACE=true (and
// argo-server not --namespaced), server/auth/gatekeeper.go rbacAuthorization
// first chooses the login account among the accounts of argo-server's own
// namespace (getServiceAccount), then, for a request about another
// namespace (canDelegateRBACToRequestNamespace), chooses among that
// namespace's accounts the same way:
//
//   - an error there (a rule that fails) is only logged: the login account
//     stays, so it refuses no login, but the accounts of that namespace
//     below the failing one are never tried;
//   - the delegated account replaces the login account only with a strictly
//     higher precedence;
//   - v3: no match in argo-server's namespace refuses the login before the
//     request's namespace is looked at. v4.0.5 and later fall through to
//     the request's namespace instead (the login account is nil, and the
//     delegated account is taken whatever its precedence).
//
// A failure of a rule in argo-server's own namespace (not "no match")
// refuses the login in both.

import (
	"fmt"
	"strings"
)

// maxGroupsNamed bounds the groups one not-above problem names.
const maxGroupsNamed = 5

// AnalyzeDelegated reports the rbac-rule annotations of the accounts of a
// namespace argo-server delegates to: accounts are that namespace's
// accounts, login those of argo-server's own namespace (precedence is
// compared across the two). The checks of Analyze apply, except that a
// rule failing for everyone is a warning (argo-server logs it and keeps the
// login account) and argo-server's own account is not looked for (it lives
// in its own namespace). The groups are also the users tried for
// CheckNotAbove: one user per group, with only that group.
func AnalyzeDelegated(accounts, login []Account, groups Groups) []Problem {
	if groups == nil {
		groups = GroupList{}
	}
	ns := ""
	if len(accounts) > 0 {
		ns = accounts[0].Namespace
	}
	cq := consequences{
		failCheck:  func(Check) Check { return CheckDelegatedFails },
		failAction: Warn,
		fails: fmt.Sprintf("for requests about %s argo-server logs the error and keeps the account chosen in its own namespace, "+
			"so this account and the lower ones of %s are never chosen for the users who reach it", ns, ns),
		blocks: fmt.Sprintf("for whom argo-server then keeps the account of its own namespace without trying lower-precedence accounts of %s that would admit them", ns),
	}
	problems := analyze(accounts, groups, "", cq)
	failing := map[string]bool{}
	for _, p := range problems {
		if p.Check == CheckDelegatedFails {
			failing[p.Account] = true
		}
	}
	var ruled, loginRuled []Account
	for _, a := range accounts {
		if a.HasRule {
			ruled = append(ruled, a)
		}
	}
	for _, a := range login {
		if a.HasRule {
			loginRuled = append(loginRuled, a)
		}
	}
	e := &Evaluator{}
	for _, a := range ruled {
		if failing[a.Key()] {
			continue
		}
		if why := e.notAbove(a, ruled, loginRuled, groups); why != "" {
			problems = append(problems, Problem{Account: a.Key(), Field: FieldPrecedence, Action: Warn, Check: CheckNotAbove, Reason: why})
		}
	}
	return problems
}

// notAbove says for which known groups the delegated account a would be
// chosen among its namespace's accounts, yet argo-server (v3) keeps or
// refuses the login in its own namespace instead: the group lands there on
// an account of equal or higher precedence, on no account, or on a failing
// rule.
func (e *Evaluator) notAbove(a Account, ruled, login []Account, groups Groups) string {
	var reasons []string
	more := 0
	groups.Each(func(g, name string) bool {
		u := Claims{Subject: "user", Groups: []string{g}, Expiry: someExpiry}
		here, err := e.selectAccount(ruled, u)
		if err != nil || !selects(here, a) {
			return true
		}
		there, err := e.selectAccount(login, u)
		if err != nil {
			return true
		}
		label := fmt.Sprintf("group %q", g)
		if name != "" {
			label = fmt.Sprintf("group %q (%s)", g, name)
		}
		for _, o := range there.Outcomes {
			var why string
			switch o.Kind {
			case Selected:
				if o.Account.Precedence() >= a.Precedence() {
					why = fmt.Sprintf("%s lands on %s (precedence %d), which is kept", label, o.Account.Key(), o.Account.Precedence())
				}
			case RuleFailed:
				why = fmt.Sprintf("%s fails the rule of %s, which refuses the login", label, o.Account.Key())
			case NoRuleMatches:
				why = fmt.Sprintf("%s matches no account of argo-server's namespace, so v3 refuses the login (v4.0.5 and later fall through to this account)", label)
			}
			if why == "" {
				continue
			}
			if len(reasons) < maxGroupsNamed {
				reasons = append(reasons, why)
			} else {
				more++
			}
			break
		}
		return true
	})
	if len(reasons) == 0 {
		return ""
	}
	if more > 0 {
		reasons = append(reasons, fmt.Sprintf("and %d more groups", more))
	}
	return fmt.Sprintf("argo-server (v3) takes this account (precedence %d) only over an account it chose in its own namespace with a lower precedence, so users of groups this rule admits do not get it: %s",
		a.Precedence(), strings.Join(reasons, "; "))
}

func selects(s Selection, a Account) bool {
	for _, o := range s.Outcomes {
		if o.Kind == Selected && o.Account.Key() == a.Key() {
			return true
		}
	}
	return false
}
