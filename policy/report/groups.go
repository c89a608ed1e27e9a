package report

// The table a security review starts from: per identity-provider group of
// the settings, what Argo CD lets its members do (argocd-rbac-cm and each
// AppProject's roles) and which Argo Workflows ServiceAccount argo-server
// makes them act as.

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

// GroupAccess is what a member of one group gets.
type GroupAccess struct {
	// Group is the value the provider sends in the groups claim (the ID
	// when it sends IDs); Display its display name.
	Group   string `json:"group"`
	Display string `json:"display"`
	// Roles are the global roles the group reaches through g lines (none
	// when no g line names it: argocd-server then ignores the group).
	Roles []string `json:"roles"`
	// Permissions are the p lines of argocd-rbac-cm that apply to the
	// group beyond policy.default, as "allow sync applications team-*/*"
	// (a built-in role's are not repeated: Roles names it).
	Permissions []string `json:"permissions"`
	// Projects are the AppProjects whose roles bind the group.
	Projects []ProjectAccess `json:"projects"`
	// Workflows is argo-server's choice for a login with only this group
	// (nil when the snapshot has no rbac-rule ServiceAccounts).
	Workflows *WorkflowsAccess `json:"workflows,omitempty"`
}

// ProjectAccess is what one AppProject's roles give a group.
type ProjectAccess struct {
	Project     string   `json:"project"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
	// Note says when argocd-server ignores the project's roles.
	Note string `json:"note,omitempty"`
}

// WorkflowsAccess is argo-server's choice of ServiceAccount (wfrbac.Select
// with the claims {groups: [group]}).
type WorkflowsAccess struct {
	Namespace string `json:"namespace"`
	// Outcomes are every way the login can end; more than one means the
	// result depends on the order argo-server tries equal precedences in.
	Outcomes       []WorkflowsOutcome `json:"outcomes"`
	DependsOnOrder bool               `json:"dependsOnOrder,omitempty"`
	// Note says when argo-server does not choose by rbac-rule at all.
	Note string `json:"note,omitempty"`
	// Delegated are, with SSO namespace delegation, the namespaces of
	// rbac-rule accounts where requests end otherwise than the login.
	Delegated []DelegatedAccess `json:"delegated,omitempty"`
}

// DelegatedAccess is argo-server's choice for requests about one namespace
// it delegates to (wfrbac.SelectDelegated).
type DelegatedAccess struct {
	Namespace      string             `json:"namespace"`
	Outcomes       []WorkflowsOutcome `json:"outcomes"`
	DependsOnOrder bool               `json:"dependsOnOrder,omitempty"`
}

// WorkflowsOutcome is one end of a login: the account chosen ("selected"),
// a rule that fails ("rule failed": the login is refused) or no match.
type WorkflowsOutcome struct {
	Result  string `json:"result"`
	Account string `json:"account,omitempty"`
	Error   string `json:"error,omitempty"`
}

// NoGroups is the Group of the row for a login without a groups claim.
const NoGroups = ""

// BuildGroups answers for every group of the settings, then for a login
// without groups. Nil when the settings know no group.
func BuildGroups(snap *policy.Snapshot) []GroupAccess {
	set := snap.Settings
	if set == nil || len(set.Identity.Groups) == 0 {
		return nil
	}
	pe := snap.ProjectEnforcer()
	var out []GroupAccess
	for _, g := range logins(snap) {
		ga := GroupAccess{Group: g.Group, Display: g.Display, Roles: []string{}, Permissions: []string{}, Projects: []ProjectAccess{}}
		if g.Group != NoGroups {
			if e := pe.Global(); e.IsGroupSubject(g.Group) {
				ga.Roles = e.Roles(g.Group)[1:]
				ga.Permissions = permissionTexts(e.Permissions(g.Group, false), "")
			}
			ga.Projects = projectAccess(snap, pe, g.Group)
		}
		ga.Workflows = workflowsAccess(snap, g.claims())
		out = append(out, ga)
	}
	return out
}

// GroupRef names a group as the provider sends it and as people know it.
type GroupRef struct {
	Group   string `json:"group"`
	Display string `json:"display"`
}

// claims are the groups of a login with only this group (none for the
// NoGroups row).
func (g GroupRef) claims() []string {
	if g.Group == NoGroups {
		return nil
	}
	return []string{g.Group}
}

// logins are the logins the per-group answers are for: one per group of
// the settings, as the provider sends it (the ID when it sends IDs), then a
// login without a groups claim.
func logins(snap *policy.Snapshot) []GroupRef {
	var out []GroupRef
	if set := snap.Settings; set != nil {
		for _, g := range set.Identity.Groups {
			value := g.ID
			if !set.SendsGroupIDs() && g.Name != "" {
				value = g.Name
			}
			display := g.Name
			if display == "" {
				display = g.ID
			}
			out = append(out, GroupRef{Group: value, Display: display})
		}
	}
	return append(out, GroupRef{Group: NoGroups, Display: "(no groups claim)"})
}

// projectAccess lists the projects whose roles bind group, with what the
// roles grant.
func projectAccess(snap *policy.Snapshot, pe *rbac.ProjectEnforcer, group string) []ProjectAccess {
	out := []ProjectAccess{}
	for _, c := range snap.AppProjects() {
		name := c.Project.Name
		var roles []string
		for _, r := range c.Project.Roles {
			for _, g := range r.Groups {
				if g == group {
					roles = append(roles, rbac.ProjectRoleSubject(name, r.Name))
					break
				}
			}
		}
		if len(roles) == 0 {
			continue
		}
		pa := ProjectAccess{Project: name, Roles: roles, Permissions: []string{}}
		switch {
		case pe.Project(name) == nil:
			pa.Note = "argocd-server cannot read this AppProject's spec: its roles count for nothing"
		case len(pe.ProjectPolicyErrors(name)) > 0 || !c.Loads():
			pa.Note = "a role policy line Argo CD refuses makes argocd-server ignore all of this project's roles"
		default:
			pa.Permissions = permissionTexts(pe.ForProject(name).Permissions(group, false), rbac.ProjectPolicyKey(name))
		}
		out = append(out, pa)
	}
	return out
}

// permissionTexts renders permissions, keeping only the lines of key when
// key is not empty.
func permissionTexts(ps []rbac.Permission, key string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, p := range ps {
		if p.Line == nil || p.Line.Builtin() || (key != "" && p.Line.Key != key) {
			continue // a built-in role's lines: the role is named instead
		}
		text := p.Effect + " " + p.Action + " " + p.Resource + " " + p.Object
		if !seen[text] {
			seen[text] = true
			out = append(out, text)
		}
	}
	return out
}

// workflowsAccess runs argo-server's choice among the rbac-rule accounts of
// the Workflows namespace for a login with groups and, with delegation,
// among those of each other namespace for requests about it.
func workflowsAccess(snap *policy.Snapshot, groups []string) *WorkflowsAccess {
	ns := snap.Settings.Workflows.Namespace
	var accounts []wfrbac.Account
	delegated := map[string][]wfrbac.Account{}
	for _, a := range snap.WorkflowAccounts() {
		switch other := a.Account.Namespace; {
		case other == ns:
			accounts = append(accounts, a.Account)
		case snap.Settings.IsWorkflowAccountNamespace(other):
			delegated[other] = append(delegated[other], a.Account)
		}
	}
	if len(accounts) == 0 && len(delegated) == 0 {
		return nil
	}
	wa := &WorkflowsAccess{Namespace: ns, Outcomes: []WorkflowsOutcome{}}
	if w := snap.Workflows(); snap.WorkflowsCM != nil && (w == nil || !w.RBAC()) {
		wa.Note = "sso.rbac.enabled is not true: argo-server ignores the rbac-rule annotations and uses its own account; this is the choice once it is enabled"
	}
	claims := wfrbac.Claims{Groups: groups}
	login, err := wfrbac.Select(accounts, claims)
	if err != nil {
		wa.Outcomes = append(wa.Outcomes, WorkflowsOutcome{Result: "error", Error: err.Error()})
		return wa
	}
	wa.Outcomes, wa.DependsOnOrder = outcomes(login), !login.Deterministic()
	for _, other := range slices.Sorted(maps.Keys(delegated)) {
		sel, err := wfrbac.SelectDelegated(accounts, delegated[other], claims)
		if err != nil || sel.Same(login) {
			continue
		}
		wa.Delegated = append(wa.Delegated, DelegatedAccess{Namespace: other, Outcomes: outcomes(sel), DependsOnOrder: !sel.Deterministic()})
	}
	return wa
}

// outcomes are a selection's outcomes, sorted by account.
func outcomes(sel wfrbac.Selection) []WorkflowsOutcome {
	out := []WorkflowsOutcome{}
	for _, o := range sel.Outcomes {
		wo := WorkflowsOutcome{Result: o.Kind.String(), Error: firstLine(o.Err)}
		if o.Kind != wfrbac.NoRuleMatches {
			wo.Account = o.Account.Key()
		}
		out = append(out, wo)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// Text renders the Workflows column for tables: "argo/argo-admin",
// "refused: rule of argo/x failed", "argo/a or argo/b (depends on order)".
func (w *WorkflowsAccess) Text() string {
	if w == nil {
		return ""
	}
	text := outcomesText(w.Outcomes, w.DependsOnOrder)
	for _, d := range w.Delegated {
		text += "; requests about " + d.Namespace + ": " + outcomesText(d.Outcomes, d.DependsOnOrder)
	}
	return text
}

func outcomesText(outs []WorkflowsOutcome, dependsOnOrder bool) string {
	var parts []string
	for _, o := range outs {
		switch o.Result {
		case wfrbac.Selected.String():
			parts = append(parts, o.Account)
		case wfrbac.RuleFailed.String():
			parts = append(parts, "refused (rule of "+o.Account+" fails: "+o.Error+")")
		case "error":
			parts = append(parts, "error: "+o.Error)
		default:
			parts = append(parts, "refused (no rule matches)")
		}
	}
	text := strings.Join(parts, " or ")
	if dependsOnOrder {
		text += " (depends on the order argo-server tries equal precedences in)"
	}
	return text
}
