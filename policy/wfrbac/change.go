package wfrbac

import "slices"

// Same reports whether s and o hold the same possible outcomes, in any
// order: a login ends the same way under both.
func (s Selection) Same(o Selection) bool {
	key := func(sel Selection) []string {
		out := make([]string, 0, len(sel.Outcomes))
		for _, x := range sel.Outcomes {
			out = append(out, x.String())
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(key(s), key(o))
}

// ChoiceChange is argo-server's choice for one user before and after a
// change to one namespace's accounts.
type ChoiceChange struct {
	Before, After Selection
}

// CompareChoice selects for c among before and among after (one namespace's
// accounts each) and reports whether the outcome changes. changed is the
// Key of the account the change creates, updates or deletes: while its
// rule gives no match for c, before and after the change, that account is
// never chosen and never fails, so the choice is the same and Select is
// not run (a change is usually about a few users; the settings may list
// thousands of groups, so that test, and the selections, reuse e's
// compiled rules).
func (e *Evaluator) CompareChoice(before, after []Account, changed string, c Claims) (ChoiceChange, bool, error) {
	return e.compare(before, after, changed, c, e.selectAccount)
}

// CompareDelegatedChoice is CompareChoice for a change to the accounts of a
// namespace argo-server delegates to: the choices are SelectDelegated's,
// with login the accounts of argo-server's own namespace.
func (e *Evaluator) CompareDelegatedChoice(login, before, after []Account, changed string, c Claims) (ChoiceChange, bool, error) {
	return e.compare(before, after, changed, c, func(accounts []Account, c Claims) (Selection, error) {
		return e.selectDelegated(login, accounts, c)
	})
}

func (e *Evaluator) compare(before, after []Account, changed string, c Claims, sel func([]Account, Claims) (Selection, error)) (ChoiceChange, bool, error) {
	env, err := e.env(c)
	if err != nil {
		return ChoiceChange{}, false, err
	}
	matters := false
	for _, list := range [][]Account{before, after} {
		for _, a := range list {
			if a.Key() != changed || !a.HasRule {
				continue
			}
			// expr-lang programs do not write to their environment (its
			// builtins copy what they sort or reverse), so one map serves.
			if v, _ := e.Evaluate(a.Rule, env); v != NoMatch {
				matters = true
			}
		}
	}
	if !matters {
		return ChoiceChange{}, false, nil
	}
	var ch ChoiceChange
	if ch.Before, err = sel(before, c); err != nil {
		return ChoiceChange{}, false, err
	}
	if ch.After, err = sel(after, c); err != nil {
		return ChoiceChange{}, false, err
	}
	return ch, !ch.Before.Same(ch.After), nil
}
