package policy

// The parsed forms of the AppProjects and rbac-rule ServiceAccounts,
// memoised on the Snapshot like the ConfigMaps' (parsed.go). They are not
// shared through the ParseCache: a project's parse depends on its name as
// well as its data, and decoding one is cheap.

import (
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
	if e, ok := s.memo.projEnf.get(cfg, s.Projects); ok {
		return e
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
	return s.memo.projEnf.put(cfg, s.Projects, rbac.NewProjectEnforcer(global, projects))
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
	in := workflowInputs{s.Settings, s.WorkflowsServerAccount}
	if ps, ok := s.memo.wfProblems.get(in, s.ServiceAccounts); ok {
		return ps
	}
	byNS := map[string][]wfrbac.Account{}
	var order []string
	for _, a := range s.WorkflowAccounts() {
		ns := a.Account.Namespace
		if _, seen := byNS[ns]; !seen {
			order = append(order, ns)
		}
		byNS[ns] = append(byNS[ns], a.Account)
	}
	groups := settingsGroups{s.Settings}
	var out []wfrbac.Problem
	for _, ns := range order {
		switch {
		case s.Settings == nil || ns == s.Settings.Workflows.Namespace:
			out = append(out, wfrbac.Analyze(byNS[ns], groups, s.ServerAccount(ns))...)
		case s.Settings.IsWorkflowAccountNamespace(ns):
			out = append(out, wfrbac.AnalyzeDelegated(byNS[ns], byNS[s.Settings.Workflows.Namespace], groups)...)
		}
	}
	return s.memo.wfProblems.put(in, s.ServiceAccounts, out)
}

// settingsGroups are the settings' groups as wfrbac asks about them, by
// the settings' index: the values the provider sends (IDs or names) and,
// when it sends IDs, the display names with their IDs.
type settingsGroups struct{ set *settings.Settings }

func (g settingsGroups) Configured() bool { return g.set != nil && g.set.KnowsGroups() }

func (g settingsGroups) Sent(v string) bool {
	if g.set == nil {
		return false
	}
	if g.set.SendsGroupIDs() {
		_, ok := g.set.GroupByID(v)
		return ok
	}
	if _, ok := g.set.GroupByName(v); ok {
		return true
	}
	grp, ok := g.set.GroupByID(v)
	return ok && grp.Name == "" // a group without a name is sent by its ID
}

func (g settingsGroups) SentFor(name string) (string, bool) {
	if g.set == nil || !g.set.SendsGroupIDs() {
		return "", false
	}
	grp, ok := g.set.GroupByName(name)
	if !ok || grp.ID == name {
		return "", false
	}
	return grp.ID, true
}

func (g settingsGroups) Each(f func(value, name string) bool) {
	if g.set == nil {
		return
	}
	for _, grp := range g.set.Identity.Groups {
		value, name := grp.ID, ""
		switch {
		case !g.set.SendsGroupIDs() && grp.Name != "":
			value = grp.Name
		case grp.Name != grp.ID:
			name = grp.Name
		}
		if !f(value, name) {
			return
		}
	}
}
