package rules

// WFSA-010 reports, on an admission of an rbac-rule ServiceAccount
// (CREATE, UPDATE or DELETE), the identity-provider groups whose Workflows
// account changes: for a user whose only group is one of the settings'
// groups, the account argo-server would choose (wfrbac.Select, mirroring
// server/auth/gatekeeper.go getServiceAccount) among the namespace's
// accounts before and after the change. A deliberate change may well move
// a group, so it is a warning: the point is that an approval is an
// approval of the effect, as RBAC-017 and PROJ-010 do for Argo CD.

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

var ruleWFSA010 = policy.Rule{
	ID: "WFSA-010", Title: "Change moves identity-provider groups to another Workflows account",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "On a create, update or delete of an rbac-rule ServiceAccount argoguard computes, for a user in each " +
		"group of the settings (identity.groups) alone, the account argo-server chooses among the namespace's " +
		"accounts before and after the change, and lists the groups whose outcome changes: another account, " +
		"a refused login (no rule matches, or a rule fails), or an outcome that depends on the order of equal " +
		"precedences. Deleting a narrow high-precedence account moves its users to whichever lower account " +
		"matches next, possibly a broader one. A warning: the change may be meant to do this." +
		" Source: Argo Workflows: server/auth/gatekeeper.go (getServiceAccount).",
	Check: checkWFSAMoves,
}

// moveUser is the neutral part of the user tried for each group: argo-server
// always has a subject and an expiry; rules rarely test them.
var moveUser = wfrbac.Claims{Subject: "user", Expiry: 4102444800}

// maxNamedGroups bounds the groups a message names; the Detail has them all.
const maxNamedGroups = 3

func checkWFSAMoves(s *policy.Snapshot) []policy.Finding {
	if s.Changed == nil || s.Changed.Kind != policy.KindServiceAccount || s.Settings == nil || !s.Settings.KnowsGroups() {
		return nil
	}
	switch s.Operation {
	case "CREATE", "UPDATE", "DELETE":
	default:
		return nil
	}
	ref := *s.Changed
	var before, after []wfrbac.Account
	var changedObj *policy.Object
	for _, a := range s.WorkflowAccounts() {
		if a.Obj.Ref.Namespace != ref.Namespace {
			continue
		}
		after = append(after, a.Account)
		if a.Obj.Ref == ref {
			changedObj = a.Obj
			continue
		}
		before = append(before, a.Account)
	}
	if s.Old != nil && s.Old.Ref == ref {
		changedObj = cmp.Or(changedObj, s.Old)
		before = append(before, policy.ParseServiceAccount(s.Old).Account)
	}
	if changedObj == nil {
		return nil // neither version has the rule (or the delete carried no old object): nothing to compare
	}
	key := ref.Namespace + "/" + ref.Name
	// In a namespace argo-server delegates to, a user's login account comes
	// from the Workflows namespace and this namespace's accounts can only
	// replace it.
	compare := func(ev *wfrbac.Evaluator, c wfrbac.Claims) (wfrbac.ChoiceChange, bool, error) {
		return ev.CompareChoice(before, after, key, c)
	}
	describe, scope := describeSelection, ""
	if wfns := s.Settings.Workflows.Namespace; ref.Namespace != wfns {
		describe = describeDelegated
		scope = " (requests about " + ref.Namespace + ")"
		var login []wfrbac.Account
		for _, a := range s.WorkflowAccounts() {
			if a.Obj.Ref.Namespace == wfns {
				login = append(login, a.Account)
			}
		}
		compare = func(ev *wfrbac.Evaluator, c wfrbac.Claims) (wfrbac.ChoiceChange, bool, error) {
			return ev.CompareDelegatedChoice(login, before, after, key, c)
		}
	}
	type move struct {
		from, to wfrbac.Selection
		groups   []settings.Group
	}
	moves := map[string]*move{}
	var order []string
	var ev wfrbac.Evaluator
	for _, g := range s.Settings.Identity.Groups {
		c := moveUser
		c.Groups = []string{groupValue(s.Settings, g)}
		ch, moved, err := compare(&ev, c)
		if err != nil || !moved {
			continue
		}
		k := describe(ch.Before) + "\x00" + describe(ch.After)
		if moves[k] == nil {
			moves[k] = &move{from: ch.Before, to: ch.After}
			order = append(order, k)
		}
		moves[k].groups = append(moves[k].groups, g)
	}
	sort.Strings(order)
	verb := map[string]string{"CREATE": "creating", "UPDATE": "changing", "DELETE": "deleting"}[s.Operation]
	var out []policy.Finding
	for _, k := range order {
		m := moves[k]
		// Names keep the admission warning on one line; the Detail has the IDs.
		var names, full []string
		for _, g := range m.groups {
			names = append(names, cmp.Or(g.Name, g.ID))
			full = append(full, s.Settings.DisplayName(g.ID))
		}
		msg := fmt.Sprintf("group %s moves", names[0])
		if len(names) > 1 {
			msg = fmt.Sprintf("%d groups (%s) move", len(names), joinFirst(names, maxNamedGroups))
		}
		msg += fmt.Sprintf(" from %s to %s%s", describe(m.from), describe(m.to), scope)
		if note := targetNote(s, &ev, ref.Namespace, m.to); note != "" {
			msg += " (" + note + ")"
		}
		// The finding is about the account as a whole (a delete leaves no
		// field to point at), so it has no field path.
		f := policy.Finding{Location: atField(changedObj, ""), Message: msg,
			Detail: fmt.Sprintf("%s %s changes argo-server's choice among the rbac-rule accounts of %s for a user whose only group is one of: %s",
				verb, ref.Name, ref.Namespace, strings.Join(full, ", ")),
			Fix: "make sure the change is meant to move these users; give the account that should keep them a precedence above the others"}
		if rbacOff(s, ref.Namespace) {
			f.Detail += "; argo-server reads rbac-rule annotations only once sso.rbac.enabled is true"
		}
		out = append(out, f)
	}
	return out
}

// groupValue is what the provider sends for g in the groups claim.
func groupValue(set *settings.Settings, g settings.Group) string {
	if set.SendsGroupIDs() || g.Name == "" {
		return g.ID
	}
	return g.Name
}

// describeSelection renders a login's possible outcomes; accounts by name,
// as they are all in the changed account's namespace.
func describeSelection(sel wfrbac.Selection) string {
	var parts []string
	for _, o := range sel.Outcomes {
		switch o.Kind {
		case wfrbac.Selected:
			parts = append(parts, o.Account.Name)
		case wfrbac.RuleFailed:
			parts = append(parts, "a refused login (the rule of "+o.Account.Name+" fails)")
		default:
			parts = append(parts, "a refused login (no rule matches)")
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	sort.Strings(parts) // Select keeps the list's order, which means nothing
	return strings.Join(parts, " or ") + " (equal precedences: order-dependent)"
}

// describeDelegated is describeSelection with namespace/name: with
// delegation the outcomes mix argo-server's namespace and the request's.
func describeDelegated(sel wfrbac.Selection) string {
	named := wfrbac.Selection{Outcomes: make([]wfrbac.Outcome, len(sel.Outcomes))}
	for i, o := range sel.Outcomes {
		o.Account.Name = o.Account.Key()
		named.Outcomes[i] = o
	}
	return describeSelection(named)
}

// targetNote says what can be told cheaply about where users land: on
// argo-server's own account, or on one whose rule every known group
// matches (a catch-all for them).
func targetNote(s *policy.Snapshot, ev *wfrbac.Evaluator, ns string, to wfrbac.Selection) string {
	if len(to.Outcomes) != 1 || to.Outcomes[0].Kind != wfrbac.Selected {
		return ""
	}
	a := to.Outcomes[0].Account
	if a.Key() == s.ServerAccount(ns) {
		return "argo-server's own account"
	}
	for _, g := range s.Settings.Identity.Groups {
		c := moveUser
		c.Groups = []string{groupValue(s.Settings, g)}
		if ev.Verdict(a.Rule, c) != wfrbac.Match {
			return ""
		}
	}
	return "every known group matches its rule"
}

// joinFirst joins the first n of ss and counts the rest.
func joinFirst(ss []string, n int) string {
	if len(ss) <= n {
		return strings.Join(ss, ", ")
	}
	return strings.Join(ss[:n], ", ") + fmt.Sprintf(" and %d more", len(ss)-n)
}
