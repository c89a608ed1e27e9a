// Package k8srbac answers what a ServiceAccount may do in Kubernetes from
// the RBAC objects of a cluster: the rules of the Roles and ClusterRoles
// bound to it, per namespace, with wildcards and cluster-admin flagged.
// It reads nothing: the caller lists the objects and converts them to the
// plain types below (k8s.io/api would pull a client's dependencies into
// policy/).
package k8srbac

import (
	"fmt"
	"sort"
	"strings"
)

// Objects are a cluster's RBAC objects. An aggregated ClusterRole's rules
// are the ones stored (the controller fills them from the labelled roles).
type Objects struct {
	Roles               []Role
	ClusterRoles        []Role
	RoleBindings        []Binding
	ClusterRoleBindings []Binding
}

// Role is a Role or (Namespace empty) a ClusterRole: the fields of
// rbac.authorization.k8s.io/v1 that decide access.
type Role struct {
	Namespace, Name string
	Rules           []PolicyRule
}

// PolicyRule mirrors rbac/v1 PolicyRule.
type PolicyRule struct {
	Verbs, APIGroups, Resources, ResourceNames, NonResourceURLs []string
}

// Binding is a RoleBinding or (Namespace empty) a ClusterRoleBinding.
type Binding struct {
	Namespace, Name string
	Labels          map[string]string
	RoleRef         RoleRef
	Subjects        []Subject
}

// RoleRef is the role a binding grants: Kind "Role" or "ClusterRole".
type RoleRef struct{ Kind, Name string }

// Subject is who a binding names: Kind "ServiceAccount", "User" or "Group".
type Subject struct{ Kind, Namespace, Name string }

const (
	all            = "*"
	serviceAccount = "ServiceAccount"
	user           = "User"
	group          = "Group"
)

// ClusterWide is the Namespace of a Scope that holds in every namespace
// (rules bound by ClusterRoleBindings).
const ClusterWide = ""

// Permissions are what one ServiceAccount may do.
type Permissions struct {
	// Account is "namespace/name".
	Account string `json:"account"`
	// Scopes are the rules per namespace, the cluster-wide ones first.
	Scopes []Scope `json:"scopes"`
	// ClusterAdmin: bound cluster-wide to cluster-admin or to a rule that
	// allows every verb on every resource of every API group.
	ClusterAdmin bool `json:"clusterAdmin,omitempty"`
	// Wildcards: some rule has * among its verbs, resources or API groups.
	Wildcards bool `json:"wildcards,omitempty"`
	// Notes name bindings that grant nothing because their role is missing.
	Notes []string `json:"notes,omitempty"`
}

// Scope is the rules that hold in one namespace (ClusterWide: in all).
type Scope struct {
	Namespace string `json:"namespace"`
	Rules     []Rule `json:"rules"`
}

// Rule is one PolicyRule as a reviewer reads it.
type Rule struct {
	// Text is "workflows.argoproj.io workflows [get list watch create]";
	// the core API group is left out.
	Text string `json:"text"`
	// Via names the binding and the role: "RoleBinding argo/x: Role argo/y".
	Via      string `json:"via"`
	Wildcard bool   `json:"wildcard,omitempty"`
}

// For returns what the ServiceAccount namespace/name may do: the bindings
// whose subjects name it (as a ServiceAccount, as the user
// system:serviceaccount:<ns>:<name>, or through the groups every service
// account is in) and the rules of the roles they refer to. The API
// server's default bindings (label kubernetes.io/bootstrapping:
// rbac-defaults) count only when they name the account itself.
func For(namespace, name string, objs Objects) Permissions {
	p := Permissions{Account: namespace + "/" + name}
	roles := map[string]*Role{}
	for i := range objs.Roles {
		r := &objs.Roles[i]
		roles[r.Namespace+"/"+r.Name] = r
	}
	clusterRoles := map[string]*Role{}
	for i := range objs.ClusterRoles {
		clusterRoles[objs.ClusterRoles[i].Name] = &objs.ClusterRoles[i]
	}
	scopes := map[string]*Scope{}
	seen := map[string]bool{}
	add := func(ns, via string, rules []PolicyRule) {
		s := scopes[ns]
		if s == nil {
			s = &Scope{Namespace: ns, Rules: []Rule{}}
			scopes[ns] = s
		}
		for _, pr := range rules {
			r := Rule{Text: ruleText(pr), Via: via, Wildcard: wildcard(pr)}
			if key := ns + "\x00" + r.Text; !seen[key] {
				seen[key] = true
				s.Rules = append(s.Rules, r)
				p.Wildcards = p.Wildcards || r.Wildcard
				if ns == ClusterWide && allOfEverything(pr) {
					p.ClusterAdmin = true
				}
			}
		}
	}

	crbs := append([]Binding(nil), objs.ClusterRoleBindings...)
	sort.Slice(crbs, func(i, j int) bool { return crbs[i].Name < crbs[j].Name })
	for _, b := range crbs {
		if !bound(b.Subjects, ClusterWide, namespace, name, isDefault(b.Labels)) {
			continue
		}
		via := "ClusterRoleBinding " + b.Name + ": ClusterRole " + b.RoleRef.Name
		cr := clusterRoles[b.RoleRef.Name]
		if b.RoleRef.Kind != "ClusterRole" || cr == nil {
			p.Notes = append(p.Notes, missing("ClusterRoleBinding "+b.Name, b.RoleRef.Kind, "", b.RoleRef.Name))
			continue
		}
		if b.RoleRef.Name == "cluster-admin" {
			p.ClusterAdmin = true
		}
		add(ClusterWide, via, cr.Rules)
	}
	rbs := append([]Binding(nil), objs.RoleBindings...)
	sort.Slice(rbs, func(i, j int) bool {
		if rbs[i].Namespace != rbs[j].Namespace {
			return rbs[i].Namespace < rbs[j].Namespace
		}
		return rbs[i].Name < rbs[j].Name
	})
	for _, b := range rbs {
		if !bound(b.Subjects, b.Namespace, namespace, name, isDefault(b.Labels)) {
			continue
		}
		where := "RoleBinding " + b.Namespace + "/" + b.Name
		switch b.RoleRef.Kind {
		case "Role":
			r := roles[b.Namespace+"/"+b.RoleRef.Name]
			if r == nil {
				p.Notes = append(p.Notes, missing(where, "Role", b.Namespace, b.RoleRef.Name))
				continue
			}
			add(b.Namespace, where+": Role "+b.Namespace+"/"+r.Name, r.Rules)
		case "ClusterRole":
			cr := clusterRoles[b.RoleRef.Name]
			if cr == nil {
				p.Notes = append(p.Notes, missing(where, "ClusterRole", "", b.RoleRef.Name))
				continue
			}
			add(b.Namespace, where+": ClusterRole "+cr.Name, cr.Rules)
		default:
			p.Notes = append(p.Notes, missing(where, b.RoleRef.Kind, b.Namespace, b.RoleRef.Name))
		}
	}

	p.Scopes = []Scope{}
	for _, s := range scopes {
		p.Scopes = append(p.Scopes, *s)
	}
	// ClusterWide is "", so it sorts first.
	sort.Slice(p.Scopes, func(i, j int) bool { return p.Scopes[i].Namespace < p.Scopes[j].Namespace })
	return p
}

func missing(binding, kind, ns, name string) string {
	ref := name
	if ns != "" {
		ref = ns + "/" + name
	}
	return fmt.Sprintf("%s refers to %s %s, which does not exist: it grants nothing", binding, kind, ref)
}

// isDefault says whether a binding is one of the API server's own
// (discovery, self-reviews), which it keeps the same in every cluster.
func isDefault(labels map[string]string) bool {
	return labels["kubernetes.io/bootstrapping"] == "rbac-defaults"
}

// bound says whether subjects (of a binding in bindingNS; ClusterWide for
// a ClusterRoleBinding) name the ServiceAccount ns/name, as the API
// server's authorizer matches them. A default binding counts only when it
// names the account itself: through groups it grants every account the
// same discovery rules, which say nothing about this one.
func bound(subjects []Subject, bindingNS, ns, name string, isDefault bool) bool {
	for _, s := range subjects {
		switch s.Kind {
		case serviceAccount:
			sns := s.Namespace
			if sns == "" {
				sns = bindingNS // a RoleBinding's subject defaults to its namespace
			}
			if s.Name == name && sns == ns {
				return true
			}
		case user:
			if s.Name == "system:serviceaccount:"+ns+":"+name {
				return true
			}
		case group:
			if isDefault {
				continue
			}
			switch s.Name {
			case "system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated":
				return true
			}
		}
	}
	return false
}

// ruleText renders a rule: API groups (the core group left out),
// resources (with /name when resourceNames narrow them), verbs.
func ruleText(r PolicyRule) string {
	verbs := "[" + strings.Join(r.Verbs, " ") + "]"
	if len(r.NonResourceURLs) > 0 {
		return "nonResourceURLs " + strings.Join(r.NonResourceURLs, ",") + " " + verbs
	}
	var groups []string
	for _, g := range r.APIGroups {
		if g != "" {
			groups = append(groups, g)
		}
	}
	res := strings.Join(r.Resources, ",")
	if len(r.ResourceNames) > 0 {
		res += " named " + strings.Join(r.ResourceNames, ",")
	}
	if len(groups) == 0 {
		return res + " " + verbs
	}
	return strings.Join(groups, ",") + " " + res + " " + verbs
}

func has(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func wildcard(r PolicyRule) bool {
	return has(r.Verbs, all) || has(r.Resources, all) ||
		has(r.APIGroups, all) || has(r.NonResourceURLs, all)
}

func allOfEverything(r PolicyRule) bool {
	return has(r.Verbs, all) && has(r.Resources, all) &&
		has(r.APIGroups, all) && len(r.ResourceNames) == 0
}

// Lines renders the permissions one line per rule, "argo: workflows.argoproj.io
// workflows [get]", cluster-wide rules as "cluster-wide: ...", wildcards
// marked; then the flags and notes.
func (p Permissions) Lines() []string {
	var out []string
	if p.ClusterAdmin {
		out = append(out, "CLUSTER-ADMIN: may do anything in the cluster")
	}
	for _, s := range p.Scopes {
		ns := s.Namespace
		if ns == ClusterWide {
			ns = "cluster-wide"
		}
		for _, r := range s.Rules {
			line := ns + ": " + r.Text
			if r.Wildcard {
				line += " (WILDCARD)"
			}
			out = append(out, line+" (via "+r.Via+")")
		}
	}
	if len(p.Scopes) == 0 {
		out = append(out, "no RBAC rule is bound to it")
	}
	for _, n := range p.Notes {
		out = append(out, "note: "+n)
	}
	return out
}
