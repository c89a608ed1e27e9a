package rbac

// The semantic diff of two policies: who gains or loses which permission
// or role.

import (
	"cmp"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// EveryoneSubject stands for "every authenticated user" (policy.default) in
// diffs.
const EveryoneSubject = "<every user (policy.default)>"

// Change is one permission a subject gains or loses between two policies.
type Change struct {
	Subject string        `json:"subject"`
	Gained  bool          `json:"gained"`
	Perm    PermissionKey `json:"permission"`
	// Line is the line responsible: in the new policy for a line that
	// appears, in the old policy for one that goes.
	Line *Line `json:"line,omitempty"`
}

// Describe renders "devs gains sync applications prod/*", or for a deny
// line "devs is no longer denied sync applications prod/*".
func (c Change) Describe() string { return SubjectName(c.Subject) + " " + c.What() }

// What is Describe without the subject: "gains sync applications prod/*".
func (c Change) What() string {
	what := c.Perm.Action + " " + c.Perm.Resource + " " + c.Perm.Object
	switch {
	case c.Perm.Effect != "allow" && c.Perm.Effect != "deny" && c.Gained:
		return "is no longer subject to a line that can fail requests to " + what + " (effect " + strconv.Quote(c.Perm.Effect) + ")"
	case c.Perm.Effect != "allow" && c.Perm.Effect != "deny":
		return "is now subject to a line that can fail requests to " + what + " (effect " + strconv.Quote(c.Perm.Effect) + ")"
	case c.Perm.Effect == "deny" && c.Gained:
		return "is no longer denied " + what
	case c.Perm.Effect == "deny":
		return "is now denied " + what
	case c.Gained:
		return "gains " + what
	}
	return "loses " + what
}

// SubjectName renders a subject for people; the empty subject "" (valid
// in Argo CD: g,,role:readonly) would otherwise vanish from the sentence.
func SubjectName(sub string) string {
	if sub == "" {
		return `"" (the empty subject)`
	}
	return sub
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
// Gaining an allow or losing a deny is a gain; the reverse is a loss. A
// line with another effect grants nothing but can still fail requests (an
// invalid regex, a glob that makes gobwas/glob panic): losing it is a gain.
// Permissions are compared as written patterns; an allow whose patterns
// another allow of the same subject certainly covers (*/* covers prod/*;
// see Covers) is not a change, so narrowing or widening shows only once.
// When coverage is not certain the line is reported: the diff may list a
// change Argo CD's answers do not show, never miss one that they do. The
// empty subject "" (a token without sub, an empty group claim) is a name
// like any other.
func Diff(old, new *Enforcer) DiffResult {
	res := DiffResult{
		MatchModeChanged: old.regex != new.regex,
		OldDefault:       old.defaultRole,
		NewDefault:       new.defaultRole,
	}
	// Only names whose role walk reaches a changed line can differ: the
	// others hold the same roles and the same patterns under both policies.
	affected := affectedNames(old, new, res.MatchModeChanged)
	names := make([]string, 0, len(affected))
	for n := range affected {
		if isPrincipal(old, n) || isPrincipal(new, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	res.compare(old, new, names, old.defaultRole != new.defaultRole || affected[old.defaultRole])
	return res
}

// compare adds the changes of names (sorted), and of the default role if
// withDefault, to res.
func (res *DiffResult) compare(old, new *Enforcer, names []string, withDefault bool) {
	// Names that hold the same sets (members of one role) share one
	// comparison; only the subject differs.
	done := map[[2]*permSet][]Change{}
	m := NewMatcher(new.regex) // patterns compiled once for the whole diff
	cmp := func(sub string, was, is *permSet) {
		cs, ok := done[[2]*permSet{was, is}]
		if !ok {
			cs = diffSubject("", was.perms, is.perms, m, res.MatchModeChanged)
			done[[2]*permSet{was, is}] = cs
		}
		for _, c := range cs {
			c.Subject = sub
			res.Changes = append(res.Changes, c)
		}
	}
	if withDefault {
		cmp(EveryoneSubject, defaultPerms(old), defaultPerms(new))
	}
	for _, n := range names {
		cmp(n, permsOf(old, n), permsOf(new, n))
		res.Roles = append(res.Roles, diffRoles(n, old, new)...)
	}
}

// isPrincipal reports whether e names n as a login identity (see Principals).
func isPrincipal(e *Enforcer, n string) bool {
	named := len(e.bySubject[n]) > 0 || len(e.links[n]) > 0 || len(e.roleOf[n]) > 0
	return named && !e.IsRole(n)
}

// affectedNames returns every name whose permissions or roles may differ
// between old and new: the names whose own lines differ (as sets: a
// duplicate or a reordering changes nothing), and every name that reaches
// one of them within MaxRoleHops g links under old. A name that reaches no
// changed name walks the same g links to the same roles under new (by
// induction on the hops), with the same p patterns at each: its
// permissions cannot differ. After a match-mode change every name is
// affected.
func affectedNames(old, new *Enforcer, modeChanged bool) map[string]bool {
	if modeChanged {
		out := old.names()
		maps.Copy(out, new.names())
		return out
	}
	// Who reaches a changed name: backwards along old's g links.
	changed := changedSubjects(old.loaded, new.loaded)
	out := make(map[string]bool, len(changed))
	for _, n := range append(changed, reach(old.roleOf, changed...)...) {
		out[n] = true
	}
	return out
}

// changedSubjects returns the subjects of the p and g lines that are in one
// of two loaded line lists and not in the other. Most changes touch a few
// lines: the common head and tail are skipped, and only the lines between
// are compared as sets. A line of the middle that also appears in the
// common part is reported although it is in both: a name too many costs
// time, never a missed change.
func changedSubjects(old, new []*Line) []string {
	for len(old) > 0 && len(new) > 0 && sameEffect(old[0], new[0]) {
		old, new = old[1:], new[1:]
	}
	for len(old) > 0 && len(new) > 0 && sameEffect(old[len(old)-1], new[len(new)-1]) {
		old, new = old[:len(old)-1], new[:len(new)-1]
	}
	const inOld, inNew = 1, 2
	seen := make(map[effectKey]uint8, len(old)+len(new))
	mark := func(ls []*Line, bit uint8) {
		for _, l := range ls {
			if !l.Ignored() {
				seen[effectKeyOf(l)] |= bit
			}
		}
	}
	mark(old, inOld)
	mark(new, inNew)
	var out []string
	for k, bits := range seen {
		if bits != inOld|inNew {
			out = append(out, k.sub)
		}
	}
	return out
}

// effectKey is what the enforcer reads of a loaded line: its type and, for
// p and g lines, the fields that grant or link (r, e and m lines are
// loaded and ignored: only their type counts).
type effectKey struct{ typ, sub, res, act, obj, eff string }

func effectKeyOf(l *Line) effectKey {
	switch l.Type {
	case "p":
		return effectKey{l.Type, l.Subject(), l.Resource(), l.Action(), l.Object(), l.Effect()}
	case "g":
		return effectKey{typ: l.Type, sub: l.Subject(), res: l.Role()}
	}
	return effectKey{typ: l.Type}
}

// sameEffect reports whether two loaded lines grant or link the same.
func sameEffect(a, b *Line) bool { return effectKeyOf(a) == effectKeyOf(b) }

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

// covered reports whether an allow in set certainly covers allow k in
// every field (see Covers), so that narrowing or widening a grant shows
// once: "*/*" covers "prod/*", but "a?" does not cover "a*". Across a
// match-mode change nothing covers anything.
func covered(k PermissionKey, set map[PermissionKey]*Line, m *Matcher, modeChanged bool) bool {
	if modeChanged || k.Effect != "allow" {
		return false
	}
	for o := range set {
		if o.Effect == "allow" && m.Covers(o.Resource, k.Resource) &&
			m.Covers(o.Action, k.Action) && m.Covers(o.Object, k.Object) {
			return true
		}
	}
	return false
}

func diffSubject(sub string, old, new map[PermissionKey]*Line, m *Matcher, modeChanged bool) []Change {
	var out []Change
	for k, l := range new {
		if _, ok := old[k]; !ok && !covered(k, old, m, modeChanged) {
			out = append(out, Change{Subject: sub, Gained: k.Effect == "allow", Perm: k, Line: l})
		}
	}
	for k, l := range old {
		if _, ok := new[k]; !ok && !covered(k, new, m, modeChanged) {
			out = append(out, Change{Subject: sub, Gained: k.Effect != "allow", Perm: k, Line: l})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		if a.Gained != b.Gained {
			if a.Gained {
				return -1
			}
			return 1
		}
		return permCompare(a.Perm, b.Perm)
	})
	return out
}

// permCompare orders permissions by effect, action, resource and object
// (the order of their String forms, without building the strings).
func permCompare(a, b PermissionKey) int {
	return cmp.Or(strings.Compare(a.Effect, b.Effect), strings.Compare(a.Action, b.Action),
		strings.Compare(a.Resource, b.Resource), strings.Compare(a.Object, b.Object))
}
