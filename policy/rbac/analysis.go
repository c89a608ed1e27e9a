package rbac

import (
	"sort"
	"strings"
)

// Names returns every subject and role named in the loaded lines (built-in
// policy included), sorted. The slice is shared: do not modify it.
func (e *Enforcer) Names() []string {
	e.namesOnce.Do(func() {
		set := e.names()
		e.sortedNames = make([]string, 0, len(set))
		for n := range set {
			e.sortedNames = append(e.sortedNames, n)
		}
		sort.Strings(e.sortedNames)
	})
	return e.sortedNames
}

// IsRole reports whether name is used as a role rather than as a login
// identity: it starts with role: or proj:, or it only ever appears as the
// role of g lines.
func (e *Enforcer) IsRole(name string) bool {
	if strings.HasPrefix(name, "role:") || strings.HasPrefix(name, "proj:") {
		return true
	}
	return len(e.roleOf[name]) > 0 && len(e.links[name]) == 0 && len(e.bySubject[name]) == 0
}

// Principals returns the names that can be a login identity (user id or
// group claim value): every name that is not a role, sorted.
func (e *Enforcer) Principals() []string {
	var out []string
	for _, n := range e.Names() {
		if !e.IsRole(n) {
			out = append(out, n)
		}
	}
	return out
}

// Grant says that a subject holds a permission and why.
type Grant struct {
	Subject string `json:"subject"`
	// Role is true when Subject is a role, not a login identity.
	Role bool `json:"role,omitempty"`
	// Line is the first allow line that matches.
	Line *Line `json:"line"`
	// Via is the chain of g lines from Subject to Line's subject.
	Via []*Line `json:"via,omitempty"`
	// IgnoredAsGroup: Subject is the first field of no g line, so Argo CD's
	// server never evaluates it as a group claim (it still works as a user id).
	IgnoredAsGroup bool `json:"ignoredAsGroup,omitempty"`
}

// WhoCanResult answers "who may do act on res obj".
type WhoCanResult struct {
	Resource string `json:"resource"`
	Action   string `json:"action"`
	Object   string `json:"object"`
	// Everyone: policy.default grants it, so every authenticated user (and
	// anonymous users if enabled) holds it; DefaultGrant says how.
	Everyone     bool   `json:"everyone"`
	DefaultGrant *Grant `json:"defaultGrant,omitempty"`
	// Subjects hold it on their own (without the default role), sorted.
	Subjects []Grant `json:"subjects"`
}

// WhoCan lists every subject named in the policy that may do act on res obj,
// with the line that grants it.
func (e *Enforcer) WhoCan(res, act, obj string) WhoCanResult {
	out := WhoCanResult{Resource: res, Action: act, Object: obj, Subjects: []Grant{}}
	if e.defaultRole != "" {
		if g, ok := e.grant(e.defaultRole, res, act, obj); ok {
			out.Everyone = true
			out.DefaultGrant = &g
		}
	}
	h := e.holders(res, act, obj)
	for _, n := range h.names {
		g := Grant{Subject: n, Role: e.IsRole(n), IgnoredAsGroup: !e.IsRole(n) && !e.IsGroupSubject(n)}
		g.Via, g.Line = h.via(n)
		out.Subjects = append(out.Subjects, g)
	}
	return out
}

func (e *Enforcer) grant(sub, res, act, obj string) (Grant, bool) {
	d := e.Decide(sub, res, act, obj)
	if !d.Allowed {
		return Grant{}, false
	}
	return Grant{
		Subject:        sub,
		Role:           e.IsRole(sub),
		Line:           d.Allow[0],
		Via:            e.Path(sub, d.Allow[0].Subject()),
		IgnoredAsGroup: !e.IsRole(sub) && !e.IsGroupSubject(sub),
	}, true
}

// Permission is one p line that applies to a subject.
type Permission struct {
	Resource string `json:"resource"`
	Action   string `json:"action"`
	Object   string `json:"object"`
	Effect   string `json:"effect"`
	// Line is the p line; Via the g lines that lead to its subject.
	Line *Line   `json:"line"`
	Via  []*Line `json:"via,omitempty"`
	// FromDefault: the permission comes from policy.default (every user).
	FromDefault bool `json:"fromDefault,omitempty"`
}

// Key identifies the permission's patterns and effect.
func (p Permission) Key() PermissionKey {
	return PermissionKey{p.Resource, p.Action, p.Object, p.Effect}
}

// PermissionKey is a permission without its origin.
type PermissionKey struct{ Resource, Action, Object, Effect string }

func (k PermissionKey) String() string {
	return k.Effect + " " + k.Action + " " + k.Resource + " " + k.Object
}

// Permissions returns every p line that applies to sub: its own, its roles'
// (within MaxRoleHops), and, unless withDefault is false, the default
// role's. Lines whose effect is neither allow nor deny are included as
// written (they do nothing).
func (e *Enforcer) Permissions(sub string, withDefault bool) []Permission {
	var out []Permission
	seen := map[*Line]bool{}
	add := func(from string, fromDefault bool) {
		for _, role := range e.Roles(from) {
			for _, i := range e.bySubject[role] {
				l := e.rules[i].line
				if seen[l] {
					continue
				}
				seen[l] = true
				out = append(out, Permission{
					Resource: l.Resource(), Action: l.Action(), Object: l.Object(), Effect: l.Effect(),
					Line: l, Via: e.Path(from, role), FromDefault: fromDefault,
				})
			}
		}
	}
	add(sub, false)
	if withDefault && e.defaultRole != "" && e.defaultRole != sub {
		add(e.defaultRole, true)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].FromDefault != out[j].FromDefault {
			return !out[i].FromDefault
		}
		return lineLess(out[i].Line, out[j].Line)
	})
	return out
}

// Cycles returns the groups of names that inherit each other through g
// lines (strongly connected components with more than one name, or a name
// given itself as a role), each sorted, in a stable order (shared: do not
// modify). Casbin's role manager terminates on them, but every member holds
// every other's permissions.
func (e *Enforcer) Cycles() [][]string {
	e.cyclesOnce.Do(func() { e.cycles = e.findCycles() })
	return e.cycles
}

func (e *Enforcer) findCycles() [][]string {
	n := len(e.Names())
	index := make(map[string]int, n)
	low := make(map[string]int, n)
	onStack := make(map[string]bool, n)
	var stack []string
	var out [][]string
	next := 0
	type frame struct {
		name string
		edge int
	}
	for _, root := range e.Names() {
		if _, seen := index[root]; seen {
			continue
		}
		// Iterative Tarjan: frames hold the node and the next edge to follow.
		work := []frame{{name: root}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			roles := e.links[f.name]
			if f.edge < len(roles) {
				r := roles[f.edge]
				f.edge++
				if _, seen := index[r]; !seen {
					index[r], low[r] = next, next
					next++
					stack = append(stack, r)
					onStack[r] = true
					work = append(work, frame{name: r})
				} else if onStack[r] && index[r] < low[f.name] {
					low[f.name] = index[r]
				}
				continue
			}
			n := f.name
			work = work[:len(work)-1]
			if len(work) > 0 {
				if p := work[len(work)-1].name; low[n] < low[p] {
					low[p] = low[n]
				}
			}
			if low[n] != index[n] {
				continue
			}
			var comp []string
			for {
				m := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[m] = false
				comp = append(comp, m)
				if m == n {
					break
				}
			}
			if len(comp) > 1 || selfLoop(e.links[n], n) {
				sort.Strings(comp)
				out = append(out, comp)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func selfLoop(roles []string, n string) bool {
	for _, r := range roles {
		if r == n {
			return true
		}
	}
	return false
}
