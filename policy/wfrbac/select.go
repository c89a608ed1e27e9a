package wfrbac

import (
	"fmt"
	"sort"
)

// OutcomeKind is how a login ends.
type OutcomeKind int

const (
	// Selected: the user acts as Account.
	Selected OutcomeKind = iota
	// RuleFailed: Account's rule failed; the login is refused.
	RuleFailed
	// NoRuleMatches: no rule was true; the login is refused.
	NoRuleMatches
)

func (k OutcomeKind) String() string {
	switch k {
	case Selected:
		return "selected"
	case RuleFailed:
		return "rule failed"
	}
	return "no service account rule matches"
}

// Outcome is one way a login can end.
type Outcome struct {
	Kind    OutcomeKind
	Account Account // zero for NoRuleMatches
	Err     string  // the rule's error for RuleFailed
}

func (o Outcome) String() string {
	switch o.Kind {
	case Selected:
		return "selected " + o.Account.Key()
	case RuleFailed:
		return "rule of " + o.Account.Key() + " failed: " + o.Err
	}
	return o.Kind.String()
}

// Selection is every outcome a login can have. Argo-server sorts with
// sort.Slice over the informer's list, so accounts of equal precedence are
// tried in an order that changes between requests; more than one outcome
// means the result depends on that order.
type Selection struct {
	Outcomes []Outcome
}

// Deterministic is whether every order gives the same outcome.
func (s Selection) Deterministic() bool { return len(s.Outcomes) == 1 }

// Select reproduces argo-server's choice for one namespace's accounts
// (server/auth/gatekeeper.go, getServiceAccount). Accounts without the rule
// annotation are skipped. Within the highest band of equal precedence that
// holds any rule which does not answer "no match", each such rule can be
// tried first under some order, so each gives a possible outcome; lower
// bands are never reached. The error is for accounts of mixed namespaces,
// which argo-server never lists together.
func Select(accounts []Account, claims Claims) (Selection, error) {
	return (*Evaluator)(nil).selectAccount(accounts, claims)
}

// selectAccount is Select with e's compiled programs.
func (e *Evaluator) selectAccount(accounts []Account, claims Claims) (Selection, error) {
	if _, err := claims.Env(); err != nil {
		return Selection{}, err
	}
	var candidates []Account
	for _, a := range accounts {
		if len(candidates) > 0 && a.Namespace != candidates[0].Namespace {
			return Selection{}, fmt.Errorf("accounts of namespaces %q and %q: argo-server selects within one namespace", candidates[0].Namespace, a.Namespace)
		}
		if a.HasRule {
			candidates = append(candidates, a)
		}
	}
	for _, band := range bands(candidates) {
		var outs []Outcome
		for _, a := range band {
			// The environment is rebuilt per rule, as argo-server does, so a
			// rule that modified it could not affect the next one.
			env, _ := claims.Env()
			v, err := e.Evaluate(a.Rule, env)
			switch v {
			case Match:
				outs = append(outs, Outcome{Kind: Selected, Account: a})
			case Fail:
				outs = append(outs, Outcome{Kind: RuleFailed, Account: a, Err: err.Error()})
			}
		}
		if len(outs) > 0 {
			return Selection{Outcomes: outs}, nil
		}
	}
	return Selection{Outcomes: []Outcome{{Kind: NoRuleMatches}}}, nil
}

// bands groups accounts by precedence, highest first; within a band the
// input order is kept, although argo-server's is undefined.
func bands(accounts []Account) [][]Account {
	sorted := append([]Account(nil), accounts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Precedence() > sorted[j].Precedence() })
	var out [][]Account
	for i, a := range sorted {
		if i == 0 || a.Precedence() != sorted[i-1].Precedence() {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], a)
	}
	return out
}

// SelectDelegated reproduces the choice with SSO namespace delegation
// (SSO_DELEGATE_RBAC_TO_NAMESPACE, server/auth/gatekeeper.go
// rbacAuthorization): the login account comes from argo-server's namespace
// and a failure there refuses the login; an account of the request's
// namespace replaces it only with a strictly higher precedence, and a
// failure there is ignored.
func SelectDelegated(login, requestNamespace []Account, claims Claims) (Selection, error) {
	return (*Evaluator)(nil).selectDelegated(login, requestNamespace, claims)
}

// selectDelegated is SelectDelegated with e's compiled programs.
func (e *Evaluator) selectDelegated(login, requestNamespace []Account, claims Claims) (Selection, error) {
	base, err := e.selectAccount(login, claims)
	if err != nil {
		return Selection{}, err
	}
	delegated, err := e.selectAccount(requestNamespace, claims)
	if err != nil {
		return Selection{}, err
	}
	var outs []Outcome
	seen := map[string]bool{}
	add := func(o Outcome) {
		k := o.String()
		if !seen[k] {
			seen[k] = true
			outs = append(outs, o)
		}
	}
	for _, b := range base.Outcomes {
		if b.Kind != Selected {
			add(b)
			continue
		}
		for _, d := range delegated.Outcomes {
			if d.Kind == Selected && d.Account.Precedence() > b.Account.Precedence() {
				add(d)
			} else {
				add(b)
			}
		}
	}
	return Selection{Outcomes: outs}, nil
}
