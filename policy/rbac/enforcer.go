package rbac

import (
	"errors"
	"fmt"
	"sync"
)

// MaxRoleHops is casbin's default role manager depth (NewRoleManagerImpl(10)):
// a role reached through at most 10 g links applies, an 11th does not.
const MaxRoleHops = 10

// rule is one loaded p line with its patterns compiled for the match mode.
type rule struct {
	line          *Line
	res, act, obj *pattern
}

// Enforcer answers requests as Argo CD's rbac.Enforcer does with
// SetBuiltinPolicy(builtin), SetUserPolicy(policy), SetDefaultRole and
// SetMatchMode. It evaluates Argo CD's casbin model directly, indexed by
// subject (microseconds per request instead of a scan of every line): for
// one subject the result is "some allow matched, no deny matched, and no
// line that makes the matcher panic was reached" (casbin's some(allow) &&
// !some(deny) effect reads every line unless a deny stops it; an invalid
// regex, or a glob gobwas/glob panics on, fails the whole casbin call).
// NewCasbinEnforcer loads the same policy into casbin itself; the tests,
// the fuzzers and test/conformance (Argo CD's own code) hold the two equal.
//
// An Enforcer is read-only after NewEnforcer and safe for concurrent use.
type Enforcer struct {
	policy      *Policy
	regex       bool
	defaultRole string

	loaded    []*Line          // built-in then user lines, in load order
	rules     []*rule          // the p lines of loaded
	bySubject map[string][]int // p subject -> indexes into rules
	links     map[string][]string
	linkLines map[string][]*Line // member -> g lines naming it first
	roleOf    map[string][]string

	namesOnce   sync.Once
	sortedNames []string

	permittedOnce sync.Once
	permitted     map[string]bool // see HasPermissions

	cyclesOnce sync.Once
	cycles     [][]string // see Cycles

	permsMu   sync.Mutex
	permsMemo map[string]memoEntry // see permsOf
	permsKeys int                  // permissions held by permsMemo
}

// ErrInvalidPolicy is returned (wrapped) when a policy has lines Argo CD refuses.
var ErrInvalidPolicy = errors.New("policy has lines Argo CD refuses")

// NewEnforcer: built-in policy + p's lines + p.Default + p.MatchMode, as
// Argo CD's enforcer with SetBuiltinPolicy/SetUserPolicy/SetDefaultRole/
// SetMatchMode. Error if p has Errors.
func NewEnforcer(p *Policy) (*Enforcer, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, p.Err())
	}
	return newEnforcer(p, p.Default, true), nil
}

// NewPartialEnforcer is NewEnforcer over the lines Argo CD can read, the
// refused ones (p.Errors) left out. Argo CD itself refuses such a policy
// as a whole; analysis uses this so that one broken line does not hide
// every other problem of the policy.
func NewPartialEnforcer(p *Policy) *Enforcer { return newEnforcer(p, p.Default, true) }

// NewEnforcerWith is NewEnforcer with the default role given explicitly and
// the built-in policy optional (`rbac can --default-role`, `--use-builtin-policy`).
func NewEnforcerWith(p *Policy, defaultRole string, useBuiltin bool) (*Enforcer, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, p.Err())
	}
	return newEnforcer(p, defaultRole, useBuiltin), nil
}

func newEnforcer(p *Policy, defaultRole string, useBuiltin bool) *Enforcer {
	n := len(p.Lines) + len(builtinLines)
	e := &Enforcer{
		policy:      p,
		regex:       p.Regex(),
		defaultRole: defaultRole,
		rules:       make([]*rule, 0, n),
		bySubject:   make(map[string][]int, n/4),
		links:       make(map[string][]string, n/4),
		linkLines:   make(map[string][]*Line, n/4),
		roleOf:      make(map[string][]string, n/4),
	}
	cache := make(map[string]*pattern, n)
	compile := func(s string) *pattern {
		p, ok := cache[s]
		if !ok {
			p = &pattern{text: s, regex: e.regex}
			cache[s] = p
		}
		return p
	}
	var all []*Line
	if useBuiltin {
		all = append(all, builtinLines...)
	}
	all = append(all, p.Lines...)
	e.loaded = all
	for _, l := range all {
		switch l.Type {
		case "p":
			e.bySubject[l.Subject()] = append(e.bySubject[l.Subject()], len(e.rules))
			e.rules = append(e.rules, &rule{line: l, res: compile(l.Resource()), act: compile(l.Action()), obj: compile(l.Object())})
		case "g":
			e.links[l.Subject()] = append(e.links[l.Subject()], l.Role())
			e.linkLines[l.Subject()] = append(e.linkLines[l.Subject()], l)
			e.roleOf[l.Role()] = append(e.roleOf[l.Role()], l.Subject())
		}
	}
	return e
}

// Policy returns the policy the enforcer was built from.
func (e *Enforcer) Policy() *Policy { return e.policy }

// DefaultRole returns the default role in use ("" for none).
func (e *Enforcer) DefaultRole() string { return e.defaultRole }

// Regex reports whether the enforcer matches in regex mode.
func (e *Enforcer) Regex() bool { return e.regex }

// Enforce answers Argo CD's Enforcer.Enforce(sub, res, act, obj): the
// default role first (as its own subject), then the subject.
func (e *Enforcer) Enforce(sub, res, act, obj string) bool {
	if e.defaultRole != "" && e.EnforceSubject(e.defaultRole, res, act, obj) {
		return true
	}
	return e.EnforceSubject(sub, res, act, obj)
}

// EnforceSubject is one casbin Enforce call: the subject alone, without the
// default role.
func (e *Enforcer) EnforceSubject(sub, res, act, obj string) bool {
	return e.Decide(sub, res, act, obj).Allowed
}

// EnforceClaims answers as Argo CD's server does for a logged-in user
// (server/rbacpolicy EnforceClaims): the default role, then the user id,
// then each group, but a group only if it is the first field of some g
// line. Each subject is evaluated separately, so a deny only blocks the
// subject it matches.
func (e *Enforcer) EnforceClaims(user string, groups []string, res, act, obj string) bool {
	if e.Enforce(user, res, act, obj) {
		return true
	}
	for _, g := range groups {
		if e.IsGroupSubject(g) && e.Enforce(g, res, act, obj) {
			return true
		}
	}
	return false
}

// IsGroupSubject reports whether Argo CD's server would evaluate a group
// claim value: only when it is the first field of some g line (user policy
// or built-in).
func (e *Enforcer) IsGroupSubject(name string) bool { return len(e.links[name]) > 0 }

// Decision explains one subject's casbin evaluation.
type Decision struct {
	Allowed bool
	// Allow and Deny are the lines that matched, in load order.
	Allow []*Line
	Deny  []*Line
	// Broken are regex-mode lines with an invalid pattern that the request
	// reached; any of them makes casbin fail the request.
	Broken []*Line
}

// Decide evaluates one subject (no default role) and says which lines
// matched.
func (e *Enforcer) Decide(sub, res, act, obj string) Decision {
	var d Decision
	for _, role := range e.Roles(sub) {
		for _, i := range e.bySubject[role] {
			r := e.rules[i]
			ok, broken := r.res.match(res)
			if !broken && ok {
				ok, broken = r.act.match(act)
				if !broken && ok {
					ok, broken = r.obj.match(obj)
				}
			}
			switch {
			case broken:
				d.Broken = append(d.Broken, r.line)
			case !ok:
			case r.line.Effect() == "allow":
				d.Allow = append(d.Allow, r.line)
			case r.line.Effect() == "deny":
				d.Deny = append(d.Deny, r.line)
			}
		}
	}
	sortLines(d.Allow)
	sortLines(d.Deny)
	sortLines(d.Broken)
	d.Allowed = len(d.Allow) > 0 && len(d.Deny) == 0 && len(d.Broken) == 0
	return d
}

// Roles returns sub and every name it reaches through g lines within
// MaxRoleHops links (breadth first, shortest distance, as casbin's role
// manager), sub first. Cycles are harmless.
func (e *Enforcer) Roles(sub string) []string {
	return append([]string{sub}, reach(e.links, sub)...)
}

// reach walks edges breadth first from starts, at most MaxRoleHops links,
// and returns the names reached (starts excluded) in walk order.
func reach(edges map[string][]string, starts ...string) []string {
	return reachWithin(edges, MaxRoleHops, starts...)
}

// reachWithin is reach with at most hops links.
func reachWithin(edges map[string][]string, hops int, starts ...string) []string {
	var out []string
	seen := make(map[string]bool, len(starts))
	for _, s := range starts {
		seen[s] = true
	}
	frontier := starts
	for hop := 0; hop < hops && len(frontier) > 0; hop++ {
		var next []string
		for _, n := range frontier {
			for _, r := range edges[n] {
				if !seen[r] {
					seen[r] = true
					out = append(out, r)
					next = append(next, r)
				}
			}
		}
		frontier = next
	}
	return out
}

// Members returns every name that reaches role through g lines within
// MaxRoleHops links (role itself excluded), sorted: a breadth-first walk
// of the g lines backwards, which finds the same names as Roles forwards.
func (e *Enforcer) Members(role string) []string {
	out := reach(e.roleOf, role)
	sortStrings(out)
	return out
}

// Holders returns, sorted, every name in the policy that may do act on res
// obj on its own (no default role). It classifies each p line once for the
// request (allow, deny, or broken: a matcher panic) and walks the g lines
// backwards from each class: a name holds the permission when an allow
// line's subject is within MaxRoleHops of it and no deny or broken line's
// subject is. That is Decide's answer for every name at once, in time
// linear in the policy.
func (e *Enforcer) Holders(res, act, obj string) []string {
	h := e.holders(res, act, obj)
	return h.names
}

// holding is one request's answer for every name at once.
type holding struct {
	names []string // the holders, sorted
	// hops maps every name within reach of an allow line's subject to the
	// g line one hop towards the nearest such subject (nil for a subject).
	hops map[string]*Line
	// firstAllow is each allow subject's first matching allow line.
	firstAllow map[string]*Line
}

// via returns the g lines from name to its nearest allow subject, and that
// subject's allow line.
func (h holding) via(name string) ([]*Line, *Line) {
	var chain []*Line
	at := name
	for step := h.hops[at]; step != nil; step = h.hops[at] {
		chain = append(chain, step)
		at = step.Role()
	}
	return chain, h.firstAllow[at]
}

func (e *Enforcer) holders(res, act, obj string) holding {
	var allow, block []string
	firstAllow := map[string]*Line{}
	for _, r := range e.rules {
		ok, broken := r.res.match(res)
		if !broken && ok {
			ok, broken = r.act.match(act)
			if !broken && ok {
				ok, broken = r.obj.match(obj)
			}
		}
		switch {
		case broken:
			block = append(block, r.line.Subject())
		case !ok:
		case r.line.Effect() == "allow":
			allow = append(allow, r.line.Subject())
			if l, seen := firstAllow[r.line.Subject()]; !seen || lineLess(r.line, l) {
				firstAllow[r.line.Subject()] = r.line
			}
		case r.line.Effect() == "deny":
			block = append(block, r.line.Subject())
		}
	}
	h := holding{firstAllow: firstAllow}
	if len(allow) == 0 {
		return h
	}
	h.hops = e.within(allow)
	blocked := e.within(block)
	for n := range h.hops {
		if _, b := blocked[n]; !b {
			h.names = append(h.names, n)
		}
	}
	sortStrings(h.names)
	return h
}

// within returns the names within MaxRoleHops of any of targets (targets
// included), each with the g line that leads one hop towards the nearest
// target (nil for a target): a breadth-first walk of the g lines
// backwards from all targets at once.
func (e *Enforcer) within(targets []string) map[string]*Line {
	seen := make(map[string]*Line, len(targets))
	var frontier []string
	for _, t := range targets {
		if _, ok := seen[t]; !ok {
			seen[t] = nil
			frontier = append(frontier, t)
		}
	}
	for hop := 0; hop < MaxRoleHops && len(frontier) > 0; hop++ {
		var next []string
		for _, n := range frontier {
			for _, m := range e.roleOf[n] {
				if _, ok := seen[m]; ok {
					continue
				}
				for _, l := range e.linkLines[m] {
					if l.Role() == n {
						seen[m] = l
						break
					}
				}
				next = append(next, m)
			}
		}
		frontier = next
	}
	return seen
}

// names returns every subject and role named in the loaded lines.
func (e *Enforcer) names() map[string]bool {
	out := map[string]bool{}
	for s := range e.bySubject {
		out[s] = true
	}
	for s, roles := range e.links {
		out[s] = true
		for _, r := range roles {
			out[r] = true
		}
	}
	return out
}

// Path returns the chain of g lines by which sub reaches role (nil when
// sub == role or it does not reach it).
func (e *Enforcer) Path(sub, role string) []*Line {
	if sub == role {
		return nil
	}
	type step struct {
		name string
		via  []*Line
	}
	seen := map[string]bool{sub: true}
	frontier := []step{{name: sub}}
	for hop := 0; hop < MaxRoleHops && len(frontier) > 0; hop++ {
		var next []step
		for _, s := range frontier {
			for _, l := range e.linkLines[s.name] {
				r := l.Role()
				if seen[r] {
					continue
				}
				seen[r] = true
				via := append(append([]*Line(nil), s.via...), l)
				if r == role {
					return via
				}
				next = append(next, step{name: r, via: via})
			}
		}
		frontier = next
	}
	return nil
}

// HasPermissions reports whether any p line applies to name directly or
// through the roles it reaches (what Argo CD's referential-integrity
// warning checks).
func (e *Enforcer) HasPermissions(name string) bool {
	e.permittedOnce.Do(func() {
		// Backwards along the g lines from every p subject at once: the
		// names within MaxRoleHops of some p line.
		subs := make([]string, 0, len(e.bySubject))
		for sub := range e.bySubject {
			subs = append(subs, sub)
		}
		e.permitted = make(map[string]bool, len(subs))
		for _, n := range append(subs, reach(e.roleOf, subs...)...) {
			e.permitted[n] = true
		}
	})
	return e.permitted[name]
}
