package report

// `rbac who-can --workflows`: the report's per-group Workflows column read
// the other way round, per rbac-rule account: which of the settings'
// groups land on it, which land on it only under some order of equal
// precedences, and which its rule refuses. The answers are workflowsAccess's,
// so the report and who-can cannot disagree.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/k8srbac"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

// WorkflowsWhoCan is, for the rbac-rule accounts of the Workflows
// namespace, the logins that act as each.
type WorkflowsWhoCan struct {
	Namespace string `json:"namespace"`
	// Note says when argo-server does not choose by rbac-rule at all.
	Note     string           `json:"note,omitempty"`
	Accounts []AccountHolders `json:"accounts"`
	// Unmatched are the logins no rule matches: argo-server refuses them
	// ("no service account rule matches"), under some order when
	// DependsOnOrder.
	Unmatched []LoginRef `json:"unmatched"`
	// Errors are logins argoguard could not judge (never expected: the
	// claims are plain strings).
	Errors []LoginRef `json:"errors,omitempty"`
}

// AccountHolders is one account and the logins its rule decides.
type AccountHolders struct {
	Account    string `json:"account"`
	Rule       string `json:"rule"`
	Precedence int    `json:"precedence"`
	// RequestsAbout is, for an account of a namespace argo-server delegates
	// to (SSO namespace delegation), that namespace: its groups act as it
	// for requests about that namespace only. Empty for the Workflows
	// namespace's accounts.
	RequestsAbout string `json:"requestsAbout,omitempty"`
	// Groups act as this account whatever the order argo-server tries
	// equal precedences in.
	Groups []GroupRef `json:"groups"`
	// DependsOnOrder act as this account under some orders only (another
	// account of the same precedence also matches or fails for them).
	DependsOnOrder []GroupRef `json:"dependsOnOrder"`
	// Refused are the logins this account's rule fails for: argo-server
	// refuses them at once (lower precedences are never tried).
	Refused []LoginRef `json:"refused"`
	// Kubernetes is what the account may do in the cluster (only when the
	// caller read the cluster's RBAC objects).
	Kubernetes *k8srbac.Permissions `json:"kubernetes,omitempty"`
}

// LoginRef is a login refused or unjudged, with why.
type LoginRef struct {
	GroupRef
	Reason         string `json:"reason"`
	DependsOnOrder bool   `json:"dependsOnOrder,omitempty"`
}

// BuildWorkflowsWhoCan answers for the logins of the settings' groups (and
// a login without groups); objs, when not nil, adds each account's
// Kubernetes permissions. Nil when argo-server has no rbac-rule account to
// choose from.
func BuildWorkflowsWhoCan(snap *policy.Snapshot, objs *k8srbac.Objects) *WorkflowsWhoCan {
	ns := snap.Settings.Workflows.Namespace
	out := &WorkflowsWhoCan{Namespace: ns, Accounts: []AccountHolders{}, Unmatched: []LoginRef{}}
	index := map[string]int{}
	for _, a := range snap.WorkflowAccounts() {
		if !a.Account.HasRule || !snap.Settings.IsWorkflowAccountNamespace(a.Account.Namespace) {
			continue
		}
		index[a.Account.Key()] = len(out.Accounts)
		h := AccountHolders{Account: a.Account.Key(), Rule: a.Account.Rule, Precedence: a.Account.Precedence(),
			Groups: []GroupRef{}, DependsOnOrder: []GroupRef{}, Refused: []LoginRef{}}
		if a.Account.Namespace != ns {
			h.RequestsAbout = a.Account.Namespace
		}
		if objs != nil {
			p := accountPermissions(h.Account, *objs)
			h.Kubernetes = &p
		}
		out.Accounts = append(out.Accounts, h)
	}
	if len(out.Accounts) == 0 {
		return nil
	}
	for _, g := range logins(snap) {
		wa := workflowsAccess(snap, g.claims())
		if wa == nil {
			continue
		}
		out.Note = wa.Note
		for _, o := range wa.Outcomes {
			i, known := index[o.Account]
			switch {
			case o.Result == wfrbac.Selected.String() && known && wa.DependsOnOrder:
				out.Accounts[i].DependsOnOrder = append(out.Accounts[i].DependsOnOrder, g)
			case o.Result == wfrbac.Selected.String() && known:
				out.Accounts[i].Groups = append(out.Accounts[i].Groups, g)
			case o.Result == wfrbac.RuleFailed.String() && known:
				out.Accounts[i].Refused = append(out.Accounts[i].Refused, LoginRef{GroupRef: g, Reason: o.Error, DependsOnOrder: wa.DependsOnOrder})
			case o.Result == wfrbac.NoRuleMatches.String():
				out.Unmatched = append(out.Unmatched, LoginRef{GroupRef: g, Reason: o.Result, DependsOnOrder: wa.DependsOnOrder})
			default:
				out.Errors = append(out.Errors, LoginRef{GroupRef: g, Reason: o.Error})
			}
		}
		// A delegated namespace's account is named only where it replaces
		// the login account; everything else is the login's answer above.
		for _, d := range wa.Delegated {
			for _, o := range d.Outcomes {
				i, known := index[o.Account]
				if o.Result != wfrbac.Selected.String() || !known || out.Accounts[i].RequestsAbout != d.Namespace {
					continue
				}
				if d.DependsOnOrder {
					out.Accounts[i].DependsOnOrder = append(out.Accounts[i].DependsOnOrder, g)
				} else {
					out.Accounts[i].Groups = append(out.Accounts[i].Groups, g)
				}
			}
		}
	}
	// The Workflows namespace's accounts first, then each delegated
	// namespace's; argo-server tries the highest precedence first: list
	// them so.
	sort.SliceStable(out.Accounts, func(i, j int) bool {
		a, b := out.Accounts[i], out.Accounts[j]
		if a.RequestsAbout != b.RequestsAbout {
			return a.RequestsAbout < b.RequestsAbout
		}
		return a.Precedence > b.Precedence
	})
	return out
}

// Only keeps the account named by name ("name" or "namespace/name"), and
// drops the logins no rule matches, which concern no account; false when
// there is no such account.
func (w *WorkflowsWhoCan) Only(name string) bool {
	key := name
	if !strings.Contains(name, "/") {
		key = w.Namespace + "/" + name
	}
	for _, a := range w.Accounts {
		if a.Account == key {
			w.Accounts = []AccountHolders{a}
			w.Unmatched = []LoginRef{}
			return true
		}
	}
	return false
}

// accountPermissions is k8srbac.For of a "namespace/name" key.
func accountPermissions(key string, objs k8srbac.Objects) k8srbac.Permissions {
	ns, name, _ := strings.Cut(key, "/")
	return k8srbac.For(ns, name, objs)
}

// WriteWorkflowsWhoCanText prints each account, highest precedence first,
// with the logins that act as it, then the logins no rule matches.
func WriteWorkflowsWhoCanText(w io.Writer, r *WorkflowsWhoCan) {
	fmt.Fprintf(w, "Who acts as which rbac-rule ServiceAccount of %s (a login with one group of the settings):\n", r.Namespace)
	if r.Note != "" {
		fmt.Fprintf(w, "note: %s\n", r.Note)
	}
	for _, a := range r.Accounts {
		fmt.Fprintf(w, "\n%s (precedence %d, rule: %s)\n", a.Account, a.Precedence, a.Rule)
		if a.RequestsAbout != "" {
			fmt.Fprintf(w, "  for requests about %s (SSO namespace delegation), instead of the account above a login lands on:\n", a.RequestsAbout)
		}
		if len(a.Groups)+len(a.DependsOnOrder) == 0 {
			fmt.Fprintln(w, "  no group lands on it")
		}
		for _, g := range a.Groups {
			fmt.Fprintf(w, "  %s\n", g.text())
		}
		for _, g := range a.DependsOnOrder {
			fmt.Fprintf(w, "  %s: depends on the order argo-server tries equal precedences in\n", g.text())
		}
		for _, l := range a.Refused {
			fmt.Fprintf(w, "  REFUSED %s: the rule fails (%s)%s\n", l.text(), l.Reason, orderText(l.DependsOnOrder))
		}
		if a.Kubernetes != nil {
			fmt.Fprintln(w, "  in Kubernetes:")
			for _, line := range a.Kubernetes.Lines() {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintln(w, "\nREFUSED, no service account rule matches:")
		for _, l := range r.Unmatched {
			fmt.Fprintf(w, "  %s%s\n", l.text(), orderText(l.DependsOnOrder))
		}
	}
	for _, l := range r.Errors {
		fmt.Fprintf(w, "error: %s: %s\n", l.text(), l.Reason)
	}
}

func orderText(dependsOnOrder bool) string {
	if dependsOnOrder {
		return " (under some orders of equal precedences)"
	}
	return ""
}

// text is "id (display name)", or the one of them there is.
func (g GroupRef) text() string {
	if g.Display == "" || g.Display == g.Group {
		return g.Group
	}
	if g.Group == NoGroups {
		return g.Display
	}
	return g.Group + " (" + g.Display + ")"
}
