package settings

// Validation of the settings: every problem at once, each with its field
// path (apimachinery field.ErrorList), on start and on every reload. A typo
// must be an error, never a setting that silently does nothing.

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Options are what parsing needs from outside the settings' bytes: the
// rule catalogue's check and a reader of the groups file.
type Options struct {
	// KnownRule reports whether a rule ID is in the rule catalogue, so that
	// an override of an unknown rule (a typo) is an error. nil: rule IDs are
	// not checked (the settings package does not know the catalogue).
	KnownRule func(id string) bool
	// ReadGroupsFile returns the content of identity.groupsFile, a name as
	// written in the settings (settingsfile resolves it against the
	// settings file's folder). nil: settings naming a groups file are an
	// error.
	ReadGroupsFile func(name string) ([]byte, error)
}

// Error is settings that failed validation: every problem, with its path.
type Error struct {
	Errs field.ErrorList
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	if len(msgs) == 1 {
		return "settings: " + msgs[0]
	}
	return fmt.Sprintf("settings: %d problems: %s", len(msgs), strings.Join(msgs, "; "))
}

// Validate checks the settings and returns every problem.
func (s *Settings) Validate(o Options) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateMode(field.NewPath("mode"), s.Mode)...)
	errs = append(errs, validateArgoCD(field.NewPath("argocd"), s.ArgoCD)...)
	errs = append(errs, validateWorkflows(field.NewPath("workflows"), s.Workflows)...)
	errs = append(errs, validateIdentity(field.NewPath("identity"), s.Identity)...)
	errs = append(errs, validateSubjects(field.NewPath("adminGroups"), s.AdminGroups)...)
	errs = append(errs, validateRuleOverrides(field.NewPath("rules"), s.Rules, o.KnownRule)...)
	errs = append(errs, validateInvariants(field.NewPath("invariants"), s.Invariants)...)
	errs = append(errs, validateBreakGlass(field.NewPath("breakGlass"), s.BreakGlass)...)
	if !s.GuardsArgoCD() && !s.GuardsWorkflows() {
		errs = append(errs, field.Invalid(field.NewPath("workflows", "enabled"), false,
			"argocd.enabled and workflows.enabled are both false: argoguard would guard nothing"))
	}
	return errs
}

func validateMode(p *field.Path, m Mode) field.ErrorList {
	if m != ModeEnforce && m != ModeAudit {
		return field.ErrorList{field.NotSupported(p, m, []Mode{ModeEnforce, ModeAudit})}
	}
	return nil
}

// validateArgoCD: the guarded objects must be names the API server could
// hold (a namespace "ArgoCD" would never match and guard nothing).
func validateArgoCD(p *field.Path, a ArgoCD) field.ErrorList {
	errs := validateNamespace(p.Child("namespace"), a.Namespace)
	errs = append(errs, validateObjectName(p.Child("configMap"), a.ConfigMap)...)
	errs = append(errs, validateObjectName(p.Child("rbacConfigMap"), a.RBACConfigMap)...)
	if a.ConfigMap == a.RBACConfigMap {
		errs = append(errs, field.Duplicate(p.Child("rbacConfigMap"), a.RBACConfigMap))
	}
	return append(errs, validateURL(p.Child("url"), a.URL)...)
}

func validateWorkflows(p *field.Path, w Workflows) field.ErrorList {
	errs := validateNamespace(p.Child("namespace"), w.Namespace)
	errs = append(errs, validateObjectName(p.Child("configMap"), w.ConfigMap)...)
	if w.ServerServiceAccount != "" {
		errs = append(errs, validateObjectName(p.Child("serverServiceAccount"), w.ServerServiceAccount)...)
	}
	if w.NamespaceDelegation && w.Enabled != nil && !*w.Enabled {
		errs = append(errs, field.Invalid(p.Child("namespaceDelegation"), true,
			"workflows.enabled is false: there is no argo-server to delegate; remove one of the two"))
	}
	return append(errs, validateURL(p.Child("url"), w.URL)...)
}

func validateNamespace(p *field.Path, ns string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range namespaceProblems(ns) {
		errs = append(errs, field.Invalid(p, ns, msg))
	}
	return errs
}

func validateObjectName(p *field.Path, name string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range objectNameProblems(name) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	return errs
}

// validateURL: empty (no expectation) or an absolute http(s) URL, which is
// what the rules compare the ConfigMaps' URLs with.
func validateURL(p *field.Path, raw string) field.ErrorList {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return field.ErrorList{field.Invalid(p, raw, err.Error())}
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return field.ErrorList{field.Invalid(p, raw, "not an absolute http(s) URL")}
	}
	return nil
}

// providers are the identity.provider values the rules know; another value
// would silently turn the provider's defaults off (sendsGroupIDs).
var providers = []string{"", ProviderAWS, "generic"}

func validateIdentity(p *field.Path, id Identity) field.ErrorList {
	var errs field.ErrorList
	if !slices.Contains(providers, id.Provider) {
		errs = append(errs, field.NotSupported(p.Child("provider"), id.Provider, providers[1:]))
	}
	gp := p.Child("groups")
	seen := map[string]bool{}
	for i, g := range id.Groups {
		switch {
		case strings.TrimSpace(g.ID) == "":
			errs = append(errs, field.Required(gp.Index(i).Child("id"), "the group's ID"))
		case seen[g.ID]:
			errs = append(errs, field.Duplicate(gp.Index(i).Child("id"), g.ID))
		}
		seen[g.ID] = true
	}
	return errs
}

// validateSubjects: no empty entry in a list of subjects.
func validateSubjects(p *field.Path, subjects []string) field.ErrorList {
	var errs field.ErrorList
	for i, s := range subjects {
		if strings.TrimSpace(s) == "" {
			errs = append(errs, field.Required(p.Index(i), "an empty subject matches nobody"))
		}
	}
	return errs
}

// validateRuleOverrides: each override names a rule of the catalogue and an
// action. An override of an unknown rule (RBAC-01O) would change nothing.
func validateRuleOverrides(p *field.Path, overrides map[string]string, known func(string) bool) field.ErrorList {
	ids := make([]string, 0, len(overrides))
	for id := range overrides {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var errs field.ErrorList
	for _, id := range ids {
		if known != nil && !known(id) {
			errs = append(errs, field.NotFound(p.Key(id), id))
		}
		switch a := overrides[id]; a {
		case "deny", "warn", "audit":
		default:
			errs = append(errs, field.NotSupported(p.Key(id), a, []string{"deny", "warn", "audit"}))
		}
	}
	return errs
}

func validateInvariants(p *field.Path, invs []Invariant) field.ErrorList {
	var errs field.ErrorList
	for i, inv := range invs {
		ip := p.Index(i)
		for _, f := range []struct{ name, value string }{{"resource", inv.Resource}, {"action", inv.Action}, {"object", inv.Object}} {
			if f.value == "" {
				errs = append(errs, field.Required(ip.Child(f.name), fmt.Sprintf("invariant %q names the permission by resource, action and object", inv.Name)))
			}
		}
		if len(inv.Only)+len(inv.Never)+len(inv.Always) == 0 {
			errs = append(errs, field.Required(ip, fmt.Sprintf("invariant %q: give at least one of only, never, always", inv.Name)))
		}
		errs = append(errs, validateSubjects(ip.Child("only"), inv.Only)...)
		errs = append(errs, validateSubjects(ip.Child("never"), inv.Never)...)
		errs = append(errs, validateSubjects(ip.Child("always"), inv.Always)...)
	}
	return errs
}

// validateBreakGlass: every entry can match a requester. Service accounts
// are namespace/name (system:serviceaccount:ns:name is matched as ns/name).
func validateBreakGlass(p *field.Path, bg BreakGlass) field.ErrorList {
	errs := validateSubjects(p.Child("users"), bg.Users)
	errs = append(errs, validateSubjects(p.Child("groups"), bg.Groups)...)
	errs = append(errs, bg.refuseEveryone(p)...)
	for i, sa := range bg.ServiceAccounts {
		ns, name, ok := strings.Cut(sa, "/")
		if !ok || strings.Contains(name, "/") || len(namespaceProblems(ns)) > 0 || len(objectNameProblems(name)) > 0 {
			errs = append(errs, field.Invalid(p.Child("serviceAccounts").Index(i), sa, "not namespace/name of a ServiceAccount"))
		}
	}
	return errs
}

// GuardedChanges returns an error for each guarded namespace or object name
// next changes from running. They are fixed for the life of the process: the
// RBAC Roles and the webhook configurations' filters name them, so a reload
// that moved them would watch objects argoguard may not read and guard
// objects the API server never sends it.
func GuardedChanges(running, next *Settings) field.ErrorList {
	const why = "the guarded namespaces and names are fixed while argoguard runs: " +
		"the RBAC Roles and the webhook configurations' filters name them; " +
		"update those (deploy/base or the Helm values), then restart argoguard; the settings in force stay %q"
	var errs field.ErrorList
	for _, c := range []struct {
		path       *field.Path
		was, value string
	}{
		{field.NewPath("argocd", "namespace"), running.ArgoCD.Namespace, next.ArgoCD.Namespace},
		{field.NewPath("argocd", "configMap"), running.ArgoCD.ConfigMap, next.ArgoCD.ConfigMap},
		{field.NewPath("argocd", "rbacConfigMap"), running.ArgoCD.RBACConfigMap, next.ArgoCD.RBACConfigMap},
		{field.NewPath("workflows", "namespace"), running.Workflows.Namespace, next.Workflows.Namespace},
		{field.NewPath("workflows", "configMap"), running.Workflows.ConfigMap, next.Workflows.ConfigMap},
	} {
		if c.was != c.value {
			errs = append(errs, field.Forbidden(c.path, fmt.Sprintf("changed to %q; "+why, c.value, c.was)))
		}
	}
	return errs
}

// everyoneGroups are the groups the API server puts every authenticated
// user, every anonymous request or every service account in: break-glass
// for one of them is break-glass for everyone (no guard at all).
var everyoneGroups = map[string]string{
	"system:authenticated":   "every authenticated user",
	"system:unauthenticated": "every anonymous request",
	"system:serviceaccounts": "every service account",
}

// refuseEveryone refuses break-glass requesters that stand for everyone.
func (b BreakGlass) refuseEveryone(fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, g := range b.Groups {
		if who, ok := everyoneGroups[g]; ok {
			errs = append(errs, field.Invalid(fld.Child("groups").Index(i), g,
				"holds "+who+": break-glass for it turns the guard off; name the group of the people on call"))
		}
	}
	for i, u := range b.Users {
		if u == "system:anonymous" {
			errs = append(errs, field.Invalid(fld.Child("users").Index(i), u,
				"is every anonymous request: break-glass for it turns the guard off"))
		}
	}
	return errs
}
