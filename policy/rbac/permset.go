package rbac

// What applies to one name, as the semantic diff compares it.

// permSet is the allow and deny lines that apply to a name: per
// permission, its first line in load order. Shared: do not modify.
type permSet struct{ perms map[PermissionKey]*Line }

// Bounds of an enforcer's memo of permission sets: beyond them sets are
// computed each time (a policy with huge roles costs time, not memory).
const (
	maxMemoNames = 8192
	maxMemoKeys  = 1 << 15
)

var emptyPerms = &permSet{perms: map[PermissionKey]*Line{}}

// memoEntry is a name's set, and whether every name it reaches is within
// MaxRoleHops-1 links.
type memoEntry struct {
	ps      *permSet
	shallow bool
}

// permsOf returns the allow and deny lines that apply to sub (any name,
// the empty subject "" included), its roles' within MaxRoleHops, without
// the default role. The enforcer is read-only and cached with its policy,
// so it keeps the sets it computed. A name with no lines of its own and a
// single role holds that role's set when the role reaches nothing beyond
// MaxRoleHops-1 links (the member's walk stops one link earlier): the
// members of a role share one set.
func permsOf(e *Enforcer, sub string) *permSet {
	if links := e.links[sub]; len(e.bySubject[sub]) == 0 && len(links) == 1 && links[0] != sub {
		if m := e.memoPerms(links[0]); m.shallow {
			return m.ps
		}
	}
	return e.memoPerms(sub).ps
}

func (e *Enforcer) memoPerms(name string) memoEntry {
	e.permsMu.Lock()
	m, ok := e.permsMemo[name]
	e.permsMu.Unlock()
	if ok {
		return m
	}
	m = memoEntry{ps: collectPerms(e, name), shallow: !reachesBeyond(name, e.links, MaxRoleHops-1)}
	e.permsMu.Lock()
	defer e.permsMu.Unlock()
	if len(e.permsMemo) < maxMemoNames && e.permsKeys+len(m.ps.perms) <= maxMemoKeys {
		if e.permsMemo == nil {
			e.permsMemo = map[string]memoEntry{}
		}
		e.permsMemo[name] = m
		e.permsKeys += len(m.ps.perms)
	}
	return m
}

// reachesBeyond reports whether start reaches a new name through more
// than hops links.
func reachesBeyond(start string, edges map[string][]string, hops int) bool {
	return len(reachWithin(edges, hops+1, start)) > len(reachWithin(edges, hops, start))
}

// collectPerms is what Permissions(sub, false) lists, keeping per key its
// first line in load order, without the g-line paths it also reports.
func collectPerms(e *Enforcer, sub string) *permSet {
	out := map[PermissionKey]*Line{}
	for _, role := range e.Roles(sub) {
		for _, i := range e.bySubject[role] {
			l := e.rules[i].line
			k := PermissionKey{l.Resource(), l.Action(), l.Object(), l.Effect()}
			if k.Effect != "allow" && k.Effect != "deny" && !mayBreak(k, e.regex) {
				continue // does nothing either way
			}
			if was, ok := out[k]; !ok || lineLess(l, was) {
				out[k] = l
			}
		}
	}
	return &permSet{perms: out}
}

// mayBreak reports whether a line may fail the requests that reach it
// whatever its effect: casbin evaluates every line's patterns, and an
// invalid regex or a gobwas/glob panic fails the whole Enforce call. Only
// the glob shapes of parseSimpleGlob are known never to panic.
func mayBreak(p PermissionKey, regex bool) bool {
	for _, f := range []string{p.Resource, p.Action, p.Object} {
		if regex && PatternError(f, true) != nil {
			return true
		}
		if !regex && parseSimpleGlob(f) == nil && PatternError(f, false) == nil {
			return true
		}
	}
	return false
}

// defaultPerms returns what policy.default grants every user: nothing when
// it is empty ("" there means "no default role", not the subject "").
func defaultPerms(e *Enforcer) *permSet {
	if e.defaultRole == "" {
		return emptyPerms
	}
	return permsOf(e, e.defaultRole)
}
