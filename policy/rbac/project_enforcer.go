package rbac

// ProjectEnforcer answers as argocd-server does for a logged-in user when
// AppProjects exist: the API handlers call util/rbac Enforcer.Enforce with
// the token's claims, which checks policy.default, then the claims
// function server/rbacpolicy RBACPolicyEnforcer.EnforceClaims (which, for
// a request about one project, adds that project's role policies), then
// the empty subject "". This file reproduces that sequence; the casbin
// evaluation itself is the Enforcer's.

import (
	"strings"
	"sync"
)

// Claims is what argocd-server reads from a login token for RBAC.
type Claims struct {
	// Sub is the sub claim.
	Sub string
	// FederatedUserID is federated_claims.user_id (set by Dex); when not
	// empty it is the user id instead of Sub (util/jwt GetUserIdentifier).
	FederatedUserID string
	// Groups are the values of the scope claims (groups by default), in
	// claim order.
	Groups []string
}

// UserID is the subject argocd-server enforces for the claims.
func (c Claims) UserID() string {
	if c.FederatedUserID != "" {
		return c.FederatedUserID
	}
	return c.Sub
}

// DefaultScopes are the claims argocd-server reads groups from when
// argocd-rbac-cm sets no scopes (util/rbac DefaultScopes).
var DefaultScopes = []string{"groups"}

// ClaimsFromMap reads token claims as util/jwt does: the user id from
// federated_claims.user_id (a non-empty string inside an object) or else
// sub (a string); the groups from each scope claim in order, taking a
// string value whole and the string elements of a list.
func ClaimsFromMap(m map[string]any, scopes []string) Claims {
	if scopes == nil {
		scopes = DefaultScopes
	}
	var c Claims
	c.Sub, _ = m["sub"].(string)
	if fed, ok := m["federated_claims"].(map[string]any); ok {
		c.FederatedUserID, _ = fed["user_id"].(string)
	}
	for _, s := range scopes {
		switch v := m[s].(type) {
		case string:
			c.Groups = append(c.Groups, v)
		case []string:
			c.Groups = append(c.Groups, v...)
		case []any:
			for _, g := range v {
				if gs, ok := g.(string); ok {
					c.Groups = append(c.Groups, gs)
				}
			}
		}
	}
	return c
}

// RequestProject returns the project name argocd-server takes from a
// request (server/rbacpolicy getProjectFromRequest): for applications,
// applicationsets, repositories, clusters, logs and exec the text before
// the first "/" of an object that has one; for projects the object itself.
// Other resources are not project-scoped.
func RequestProject(res, obj string) (string, bool) {
	switch res {
	case ResourceApplications, ResourceApplicationSets, ResourceRepositories, ResourceClusters, ResourceLogs, ResourceExec:
		if name, _, found := strings.Cut(obj, "/"); found {
			return name, true
		}
		return "", false
	case ResourceProjects:
		return obj, true
	}
	return "", false
}

// ParseProjectRoleSubject splits a subject of the form proj:<project>:<role>
// (exactly three ":"-separated parts, the first "proj"), which argocd-server
// treats as a project token's subject.
func ParseProjectRoleSubject(sub string) (project, role string, ok bool) {
	parts := strings.Split(sub, ":")
	if len(parts) != 3 || parts[0] != "proj" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// ProjectPolicyKey is the Line.Key of the lines a project's roles add.
func ProjectPolicyKey(project string) string { return "project:" + project }

// ProjectEnforcer is a global Enforcer plus the AppProjects argocd-server
// sees (those in its own namespace). It is read-only once built and safe
// for concurrent use.
type ProjectEnforcer struct {
	global   *Enforcer
	projects map[string]*projectPolicy
}

// projectPolicy is one project's role policies loaded on top of the global
// policy, built on first use.
type projectPolicy struct {
	project *AppProject
	text    string
	errs    []*LineError

	once sync.Once
	enf  *Enforcer
}

// NewProjectEnforcer combines the global enforcer with projects. Of two
// projects with one name the later one counts (as in an informer's store).
func NewProjectEnforcer(global *Enforcer, projects []*AppProject) *ProjectEnforcer {
	pe := &ProjectEnforcer{global: global, projects: make(map[string]*projectPolicy, len(projects))}
	for _, p := range projects {
		text := ProjectPolicies(p)
		_, errs := parseLines(ProjectPolicyKey(p.Name), text)
		pe.projects[p.Name] = &projectPolicy{project: p, text: text, errs: errs}
	}
	return pe
}

// Global returns the enforcer of argocd-rbac-cm alone.
func (pe *ProjectEnforcer) Global() *Enforcer { return pe.global }

// Project returns the named project, or nil.
func (pe *ProjectEnforcer) Project(name string) *AppProject {
	if pp := pe.projects[name]; pp != nil {
		return pp.project
	}
	return nil
}

// ProjectPolicyErrors returns the project's role policy lines Argo CD
// refuses. Any one of them makes argocd-server ignore all of the project's
// role policies (util/rbac tryGetCasbinEnforcer falls back to the global
// policy when the combined policy does not load).
func (pe *ProjectEnforcer) ProjectPolicyErrors(name string) []*LineError {
	if pp := pe.projects[name]; pp != nil {
		return pp.errs
	}
	return nil
}

// ForProject returns the enforcer argocd-server uses for a request about
// the named project: the built-in, global and project role policies
// together, or the global enforcer when the project is unknown, has no
// roles, or its role policies do not load.
func (pe *ProjectEnforcer) ForProject(name string) *Enforcer {
	pp := pe.projects[name]
	if pp == nil {
		return pe.global
	}
	pp.once.Do(func() {
		if pp.text == "" || len(pp.errs) > 0 {
			pp.enf = pe.global
			return
		}
		lines, _ := parseLines(ProjectPolicyKey(name), pp.text)
		g := pe.global
		combined := &Policy{
			Lines:     append(append([]*Line(nil), g.policy.Lines...), lines...),
			Keys:      append(append([]string(nil), g.policy.Keys...), ProjectPolicyKey(name)),
			Default:   g.policy.Default,
			MatchMode: g.policy.MatchMode,
			Scopes:    g.policy.Scopes,
			ScopesSet: g.policy.ScopesSet,
		}
		useBuiltin := len(g.loaded) > 0 && g.loaded[0].Builtin()
		pp.enf = newEnforcer(combined, g.defaultRole, useBuiltin)
	})
	return pp.enf
}

// Enforce answers argocd-server's Enforce(claims, res, act, obj): the
// default role (global policy), then EnforceClaims, then the empty
// subject "" (global policy). Each is its own casbin call, so a deny only
// blocks the subject it matches.
func (pe *ProjectEnforcer) Enforce(c Claims, res, act, obj string) bool {
	g := pe.global
	if g.defaultRole != "" && g.EnforceSubject(g.defaultRole, res, act, obj) {
		return true
	}
	if pe.EnforceClaims(c, res, act, obj) {
		return true
	}
	return g.EnforceSubject("", res, act, obj)
}

// EnforceClaims is server/rbacpolicy RBACPolicyEnforcer.EnforceClaims. For
// a request about a known project a project token's subject
// (proj:<p>:<r>) is allowed only for its own project and only through the
// project's enforcer; any other user is checked with the project's role
// policies added: default role and user id, then each group claim that is
// the first field of some g line of that policy. Requests about no known
// project use the global policy alone.
func (pe *ProjectEnforcer) EnforceClaims(c Claims, res, act, obj string) bool {
	sub := c.UserID()
	enf := pe.global
	if name, ok := RequestProject(res, obj); ok && pe.projects[name] != nil {
		enf = pe.ForProject(name)
		if tokenProject, _, isToken := ParseProjectRoleSubject(sub); isToken {
			return tokenProject == name && enf.Enforce(sub, res, act, obj)
		}
	}
	return enf.EnforceClaims(sub, c.Groups, res, act, obj)
}
