package policy

// The parsed forms of the AppProjects and rbac-rule ServiceAccounts,
// memoised on the Snapshot like the ConfigMaps' (parsed.go). They are not
// shared through the ParseCache: a project's parse depends on its name as
// well as its data, and decoding one is cheap.

import (
	"slices"

	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

// AppProject returns o parsed as an AppProject, once per snapshot.
func (s *Snapshot) AppProject(o *Object) *ProjectConfig {
	if c, ok := s.memo.projects[o]; ok {
		return c
	}
	c := ParseAppProject(o)
	if s.memo.projects == nil {
		s.memo.projects = map[*Object]*ProjectConfig{}
	}
	s.memo.projects[o] = c
	return c
}

// AppProjects returns the snapshot's Projects parsed, in order.
func (s *Snapshot) AppProjects() []*ProjectConfig {
	var out []*ProjectConfig
	for _, o := range s.Projects {
		if o != nil {
			out = append(out, s.AppProject(o))
		}
	}
	return out
}

// OldAppProject returns the changed object's previous version parsed as an
// AppProject (the state before an UPDATE), or nil without one.
func (s *Snapshot) OldAppProject() *ProjectConfig {
	if s.Old == nil || s.Old.Ref.Kind != KindAppProject {
		return nil
	}
	return s.memo.oldProject.get(s.Old, nil, 0, func(map[string]string) *ProjectConfig { return ParseAppProject(s.Old) })
}

// GlobalEnforcer is the enforcer argocd-server has without projects:
// argocd-rbac-cm's, or the built-in policy alone when the snapshot has no
// argocd-rbac-cm.
func (s *Snapshot) GlobalEnforcer() *rbac.Enforcer {
	if c := s.RBAC(); c != nil {
		return c.Enforcer
	}
	return s.ProjectEnforcer().Global()
}

// ProjectEnforcer answers as argocd-server does with argocd-rbac-cm (or
// the built-in policy alone) and the snapshot's AppProjects. Projects
// whose spec cannot be read are left out (Argo CD's lister cannot decode
// them either).
func (s *Snapshot) ProjectEnforcer() *rbac.ProjectEnforcer {
	cfg := s.RBAC()
	key := []any{cfg}
	for _, o := range s.Projects {
		key = append(key, o)
	}
	if s.memo.projEnf.val != nil && slices.Equal(s.memo.projEnf.key, key) {
		return s.memo.projEnf.val
	}
	var global *rbac.Enforcer
	if cfg != nil {
		global = cfg.Enforcer
	} else {
		global = BuiltinEnforcer()
	}
	var projects []*rbac.AppProject
	for _, c := range s.AppProjects() {
		if len(c.Errors) == 0 {
			projects = append(projects, c.Project)
		}
	}
	s.memo.projEnf.key, s.memo.projEnf.val = key, rbac.NewProjectEnforcer(global, projects)
	return s.memo.projEnf.val
}

// BuiltinEnforcer is the enforcer of an empty argocd-rbac-cm: Argo CD's
// built-in roles only.
func BuiltinEnforcer() *rbac.Enforcer {
	return rbac.NewPartialEnforcer(&rbac.Policy{})
}

// WorkflowAccounts returns the snapshot's ServiceAccounts as argo-server
// sees them, in order.
func (s *Snapshot) WorkflowAccounts() []WorkflowAccount {
	var out []WorkflowAccount
	for _, o := range s.ServiceAccounts {
		if o == nil {
			continue
		}
		a, ok := s.memo.accounts[o]
		if !ok {
			a = ParseServiceAccount(o)
			if s.memo.accounts == nil {
				s.memo.accounts = map[*Object]WorkflowAccount{}
			}
			s.memo.accounts[o] = a
		}
		out = append(out, a)
	}
	return out
}

// WorkflowAccountProblems is wfrbac.Analyze over the snapshot's accounts,
// one namespace at a time (argo-server chooses among one namespace's
// accounts), with the settings' groups: the values the provider sends are
// the known groups, and when it sends IDs the display names map to them.
// With settings, the Workflows namespace is argo-server's own; the
// accounts of another namespace are judged with wfrbac.AnalyzeDelegated
// against the Workflows namespace's when workflows.namespaceDelegation is
// on, and are no candidates of argo-server (not judged) when it is off.
// Without settings every namespace is judged as argo-server's own.
func (s *Snapshot) WorkflowAccountProblems() []wfrbac.Problem {
	if len(s.ServiceAccounts) == 0 {
		return nil // every ConfigMap admission: nothing to analyse
	}
	key := []any{s.Settings, s.WorkflowsServerAccount}
	for _, o := range s.ServiceAccounts {
		key = append(key, o)
	}
	if s.memo.wfProblems.key != nil && slices.Equal(s.memo.wfProblems.key, key) {
		return s.memo.wfProblems.val
	}
	known, names := groupValues(s.Settings)
	byNS := map[string][]wfrbac.Account{}
	var order []string
	for _, a := range s.WorkflowAccounts() {
		ns := a.Account.Namespace
		if _, seen := byNS[ns]; !seen {
			order = append(order, ns)
		}
		byNS[ns] = append(byNS[ns], a.Account)
	}
	var out []wfrbac.Problem
	for _, ns := range order {
		switch {
		case s.Settings == nil || ns == s.Settings.Workflows.Namespace:
			out = append(out, wfrbac.Analyze(byNS[ns], known, names, s.ServerAccount(ns))...)
		case s.Settings.IsWorkflowAccountNamespace(ns):
			out = append(out, wfrbac.AnalyzeDelegated(byNS[ns], byNS[s.Settings.Workflows.Namespace], known, names)...)
		}
	}
	s.memo.wfProblems.key, s.memo.wfProblems.val = key, out
	return out
}

// groupValues are the group values the provider sends (IDs or names) and,
// when it sends IDs, the display names with their IDs.
func groupValues(set *settings.Settings) ([]string, map[string]string) {
	if set == nil {
		return nil, nil
	}
	var known []string
	names := map[string]string{}
	for _, g := range set.Identity.Groups {
		if set.SendsGroupIDs() {
			known = append(known, g.ID)
			if g.Name != "" && g.Name != g.ID {
				names[g.Name] = g.ID
			}
		} else if g.Name != "" {
			known = append(known, g.Name)
		} else {
			known = append(known, g.ID)
		}
	}
	return known, names
}
