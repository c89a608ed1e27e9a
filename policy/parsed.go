package policy

// The parsed forms of the guarded ConfigMaps, memoised on the Snapshot:
// every rule and defaulter of one evaluation reads the same objects, so
// each is parsed once per evaluation (and, with a ParseCache, once per
// content across evaluations).

import (
	"slices"
	"sync"
	"time"

	"go.yaml.in/yaml/v2"

	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

// RBACConfig is argocd-rbac-cm as Argo CD loads it. It is shared (by the
// memo and the ParseCache): read it, never change it.
type RBACConfig struct {
	Policy *rbac.Policy
	// Enforcer decides requests. When the policy has lines Argo CD refuses
	// (RBAC-001 says so) it is built from the other lines and Partial is
	// set: Argo CD loads nothing then, but a reviewer needs every other
	// finding in the same pass.
	Enforcer *rbac.Enforcer
	Partial  bool
	// P and G are the user's p and g lines, in load order.
	P, G []*rbac.Line
	// Scopes are the claims policy subjects are matched against, decoded
	// as argocd-server decodes them (default [groups]); ScopesErr when the
	// value is not a YAML list or is beyond the YAML budget.
	Scopes    []string
	ScopesErr error

	defaultOnce  sync.Once
	defaultPerms []rbac.Permission
}

// ParseRBAC parses argocd-rbac-cm data.
func ParseRBAC(data map[string]string) *RBACConfig {
	c := &RBACConfig{Policy: rbac.Parse(data)}
	if enf, err := rbac.NewEnforcer(c.Policy); err == nil {
		c.Enforcer = enf
	} else {
		c.Enforcer, c.Partial = rbac.NewPartialEnforcer(c.Policy), true
	}
	for _, l := range c.Policy.Lines {
		switch l.Type {
		case "p":
			c.P = append(c.P, l)
		case "g":
			c.G = append(c.G, l)
		}
	}
	c.Scopes, c.ScopesErr = parseScopes(c.Policy.Scopes)
	return c
}

// parseScopes decodes scopes as argocd-server does (YAML into []string);
// empty or absent means [groups].
func parseScopes(value string) ([]string, error) {
	if value == "" {
		return []string{"groups"}, nil
	}
	if err := sso.CheckBudget(value); err != nil {
		return nil, err
	}
	var scopes []string
	if err := yaml.Unmarshal([]byte(value), &scopes); err != nil {
		return nil, err
	}
	return scopes, nil
}

// DefaultPermissions are the permissions of policy.default's role (the
// default role not applied to itself), computed on first use.
func (c *RBACConfig) DefaultPermissions() []rbac.Permission {
	c.defaultOnce.Do(func() { c.defaultPerms = c.Enforcer.Permissions(c.Policy.Default, false) })
	return c.defaultPerms
}

// memo holds the parses of one snapshot's objects, each with the object
// it was parsed from: a parse is reused only for that very object.
type memo struct {
	rbac, oldRBAC memoEntry[*RBACConfig]
	argoCD        memoEntry[*sso.ArgoCD]
	workflows     memoEntry[*sso.Workflows]
	certs         map[string]certsEntry
	// projects and accounts are per object; projEnf and wfProblems are
	// computed from all of them and recomputed when an input changes.
	projects   map[*Object]*ProjectConfig
	oldProject memoEntry[*ProjectConfig]
	accounts   map[*Object]WorkflowAccount
	projEnf    derived[*RBACConfig, *rbac.ProjectEnforcer]
	wfProblems derived[workflowInputs, []wfrbac.Problem]
}

// derived holds a value computed from head and a list of objects, reused
// while both are the same (objects by identity). Checking allocates
// nothing, so a rule may ask for the value as often as it likes.
type derived[K comparable, T any] struct {
	head K
	objs []*Object
	val  T
	ok   bool
}

func (d *derived[K, T]) get(head K, objs []*Object) (T, bool) {
	if d.ok && d.head == head && slices.Equal(d.objs, objs) {
		return d.val, true
	}
	var zero T
	return zero, false
}

func (d *derived[K, T]) put(head K, objs []*Object, val T) T {
	d.head, d.objs, d.val, d.ok = head, slices.Clone(objs), val, true
	return val
}

// workflowInputs are what the Workflows accounts' analysis depends on
// besides the accounts.
type workflowInputs struct {
	set    *settings.Settings
	server string
}

type memoEntry[T any] struct {
	obj *Object
	val T
}

// get returns the value parsed from obj, parsing it (through the cache,
// when there is one) on first use.
func (e *memoEntry[T]) get(obj *Object, cache *ParseCache, kind parseKind, parse func(map[string]string) T) T {
	if e.obj != obj {
		e.obj, e.val = obj, cachedParse(cache, kind, obj.Data, parse)
	}
	return e.val
}

// RBAC returns argocd-rbac-cm parsed, or nil when the snapshot has none.
func (s *Snapshot) RBAC() *RBACConfig {
	if s.RBACCM == nil {
		return nil
	}
	return s.memo.rbac.get(s.RBACCM, s.Parses, parseRBACKind, ParseRBAC)
}

// OldRBAC returns the changed object's previous version parsed as
// argocd-rbac-cm (the state before an UPDATE), or nil without one.
func (s *Snapshot) OldRBAC() *RBACConfig {
	if s.Old == nil {
		return nil
	}
	return s.memo.oldRBAC.get(s.Old, s.Parses, parseRBACKind, ParseRBAC)
}

// ArgoCD returns argocd-cm parsed, or nil when the snapshot has none.
func (s *Snapshot) ArgoCD() *sso.ArgoCD {
	if s.ArgoCDCM == nil {
		return nil
	}
	return s.memo.argoCD.get(s.ArgoCDCM, s.Parses, parseArgoCDKind, sso.ParseArgoCD)
}

// Dex returns argocd-cm's dex.config parsed, or nil when there is none.
func (s *Snapshot) Dex() *sso.Dex {
	if a := s.ArgoCD(); a != nil {
		return a.Dex
	}
	return nil
}

// Workflows returns workflow-controller-configmap's sso config parsed, or
// nil when the snapshot has no such ConfigMap.
func (s *Snapshot) Workflows() *sso.Workflows {
	if s.WorkflowsCM == nil {
		return nil
	}
	return s.memo.workflows.get(s.WorkflowsCM, s.Parses, parseWorkflowsKind, sso.ParseWorkflows)
}

// maxMemoCerts bounds the certificate texts one snapshot keeps decoded:
// a dex.config lists a few connectors.
const maxMemoCerts = 16

type certsEntry struct {
	certs []Certificate
	err   error
}

// Certificate is what the rules read of one decoded certificate.
type Certificate struct {
	Subject  string
	NotAfter time.Time
}

func decodeCertificates(caData string) certsEntry {
	var e certsEntry
	parsed, err := sso.DecodeCAData(caData)
	if err != nil {
		e.err = err
	}
	for _, c := range parsed {
		e.certs = append(e.certs, Certificate{Subject: c.Subject.String(), NotAfter: c.NotAfter})
	}
	return e
}

// Certificates decodes a caData value (base64 of PEM or DER), once per
// snapshot for each distinct text (and, with a ParseCache, once per text
// across evaluations). The result is shared: read it, never change it.
func (s *Snapshot) Certificates(caData string) ([]Certificate, error) {
	if e, ok := s.memo.certs[caData]; ok {
		return e.certs, e.err
	}
	e := cachedTextParse(s.Parses, parseCertificatesKind, caData, decodeCertificates)
	if s.memo.certs == nil {
		s.memo.certs = map[string]certsEntry{}
	}
	if len(s.memo.certs) < maxMemoCerts {
		s.memo.certs[caData] = e
	}
	return e.certs, e.err
}
