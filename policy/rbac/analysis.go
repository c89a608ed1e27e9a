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
	for _, n := range e.Holders(res, act, obj) {
		if g, ok := e.grant(n, res, act, obj); ok {
			out.Subjects = append(out.Subjects, g)
		}
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

// EveryoneSubject stands for "every authenticated user" (policy.default) in
// diffs.
const EveryoneSubject = "<every user (policy.default)>"

// Change is one permission a subject gains or loses between two policies.
type Change struct {
	Subject string        `json:"subject"`
	Gained  bool          `json:"gained"`
	Perm    PermissionKey `json:"permission"`
	// Line is the line responsible: in the new policy for a gained allow or
	// a removed deny's replacement; in the old policy for a loss.
	Line *Line `json:"line,omitempty"`
}

// Describe renders "devs gains sync applications prod/*", or for a deny
// line "devs is no longer denied sync applications prod/*".
func (c Change) Describe() string {
	what := c.Perm.Action + " " + c.Perm.Resource + " " + c.Perm.Object
	switch {
	case c.Perm.Effect == "deny" && c.Gained:
		return c.Subject + " is no longer denied " + what
	case c.Perm.Effect == "deny":
		return c.Subject + " is now denied " + what
	case c.Gained:
		return c.Subject + " gains " + what
	}
	return c.Subject + " loses " + what
}

// DiffResult is the semantic difference between two policies.
type DiffResult struct {
	// Changes per login identity (roles are expanded to the names that hold
	// them; EveryoneSubject for policy.default), sorted by subject.
	Changes []Change `json:"changes"`
	// MatchModeChanged: glob <-> regex changes what every pattern means.
	MatchModeChanged bool   `json:"matchModeChanged,omitempty"`
	OldDefault       string `json:"oldDefault"`
	NewDefault       string `json:"newDefault"`
	// Roles lists who starts or stops holding a role (through g lines,
	// within MaxRoleHops), sorted by subject: the short story behind many
	// permission changes.
	Roles []RoleChange `json:"roles"`
}

// RoleChange says that Subject gains or loses Role.
type RoleChange struct {
	Subject string `json:"subject"`
	Role    string `json:"role"`
	Gained  bool   `json:"gained"`
	// Line is the g line in the new policy (gained) or the old one (lost)
	// that starts the chain.
	Line *Line `json:"line,omitempty"`
}

// Gains returns only the gained changes.
func (d DiffResult) Gains() []Change {
	var out []Change
	for _, c := range d.Changes {
		if c.Gained {
			out = append(out, c)
		}
	}
	return out
}

// Diff compares what every login identity (and every user through
// policy.default) holds under old and new. It compares effective
// permissions, not text: moving a line between keys, reordering, or
// granting through a different role with the same result is no change.
// Gaining an allow or losing a deny is a gain; the reverse is a loss.
// Permissions are compared as written patterns; in glob mode an allow
// whose patterns another allow of the same subject covers (*/* covers
// prod/*) is not a change, so narrowing or widening shows only once.
func Diff(old, new *Enforcer) DiffResult {
	res := DiffResult{
		MatchModeChanged: old.regex != new.regex,
		OldDefault:       old.defaultRole,
		NewDefault:       new.defaultRole,
	}
	subjects := map[string]bool{}
	for _, e := range []*Enforcer{old, new} {
		for _, p := range e.Principals() {
			subjects[p] = true
		}
	}
	names := make([]string, 0, len(subjects))
	for n := range subjects {
		names = append(names, n)
	}
	sort.Strings(names)
	regex := old.regex || new.regex
	res.Changes = append(res.Changes, diffSubject(EveryoneSubject, permsOf(old, old.defaultRole), permsOf(new, new.defaultRole), regex)...)
	for _, n := range names {
		res.Changes = append(res.Changes, diffSubject(n, permsOf(old, n), permsOf(new, n), regex)...)
		res.Roles = append(res.Roles, diffRoles(n, old, new)...)
	}
	return res
}

func diffRoles(sub string, old, new *Enforcer) []RoleChange {
	held := func(e *Enforcer) map[string]bool {
		out := map[string]bool{}
		for _, r := range e.Roles(sub)[1:] {
			out[r] = true
		}
		return out
	}
	was, is := held(old), held(new)
	var out []RoleChange
	for _, r := range new.Roles(sub)[1:] {
		if !was[r] {
			out = append(out, RoleChange{Subject: sub, Role: r, Gained: true, Line: first(new.Path(sub, r))})
		}
	}
	for _, r := range old.Roles(sub)[1:] {
		if !is[r] {
			out = append(out, RoleChange{Subject: sub, Role: r, Line: first(old.Path(sub, r))})
		}
	}
	return out
}

func first(ls []*Line) *Line {
	if len(ls) == 0 {
		return nil
	}
	return ls[0]
}

// covered reports whether an allow in set covers k in every field (glob
// mode only): the covering pattern matches k's pattern read as text, so
// "*/*" covers "prod/*". Narrowing a grant is then not reported as a gain.
func covered(k PermissionKey, set map[PermissionKey]*Line, regex bool) bool {
	if regex || k.Effect != "allow" {
		return false
	}
	for o := range set {
		if o.Effect == "allow" && MatchPattern(o.Resource, k.Resource, false) &&
			MatchPattern(o.Action, k.Action, false) && MatchPattern(o.Object, k.Object, false) {
			return true
		}
	}
	return false
}

func permsOf(e *Enforcer, sub string) map[PermissionKey]*Line {
	out := map[PermissionKey]*Line{}
	if sub == "" {
		return out
	}
	for _, p := range e.Permissions(sub, false) {
		if p.Effect != "allow" && p.Effect != "deny" {
			continue // does nothing either way
		}
		if _, ok := out[p.Key()]; !ok {
			out[p.Key()] = p.Line
		}
	}
	return out
}

func diffSubject(sub string, old, new map[PermissionKey]*Line, regex bool) []Change {
	var out []Change
	for k, l := range new {
		if _, ok := old[k]; !ok && !covered(k, old, regex) {
			out = append(out, Change{Subject: sub, Gained: k.Effect == "allow", Perm: k, Line: l})
		}
	}
	for k, l := range old {
		if _, ok := new[k]; !ok && !covered(k, new, regex) {
			out = append(out, Change{Subject: sub, Gained: k.Effect == "deny", Perm: k, Line: l})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Gained != out[j].Gained {
			return out[i].Gained
		}
		return out[i].Perm.String() < out[j].Perm.String()
	})
	return out
}

// Cycles returns the groups of names that inherit each other through g
// lines (strongly connected components with more than one name, or a name
// given itself as a role), each sorted, in a stable order. Casbin's role
// manager terminates on them, but every member holds every other's
// permissions.
func (e *Enforcer) Cycles() [][]string {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
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
