package rules

// RBAC-014 reports (audit only) lines that do not do what they seem or
// make the policy harder to review: duplicates, lines that change the
// built-in roles for everyone who holds them, and role cycles.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

func init() {
	register(policy.Rule{
		ID: "RBAC-014", Title: "Duplicate lines, extended built-in roles, role cycles",
		Severity: policy.SeverityLow, Category: "rbac", Action: policy.ActionAudit,
		Doc: "The built-in role:readonly and role:admin are always loaded; p lines for them repeat or widen what " +
			"they grant to everyone holding them (often the default role), which reviewers rarely expect. Define a " +
			"role of your own instead. Duplicate lines and role cycles (g, a, b and g, b, a) load fine but hide " +
			"what the policy means.",
		Check: checkRBACRedundant,
	})
}

func checkRBACRedundant(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	first := make(map[lineKey]*rbac.Line, len(in.pol.Lines)+64)
	for _, b := range rbac.Builtin() {
		first[keyOf(b)] = b
	}
	for _, l := range in.userLines() {
		if l.Ignored() {
			continue
		}
		key := keyOf(l)
		switch {
		case first[key] != nil:
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  "repeats " + first[key].Where(),
				Fix:      "remove the duplicate line",
			})
		case rbac.IsBuiltinRole(l.Subject()):
			what := "extends"
			if l.Type == "g" {
				what = "adds role " + l.Role() + " to"
			}
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("%s built-in %s: this changes it for everyone who holds it", what, l.Subject()),
				Detail:   "built-in roles are always loaded and often used as policy.default",
				Fix:      "define your own role (role:<team>) for extra permissions",
			})
		}
		if first[key] == nil {
			first[key] = l
		}
	}
	out = append(out, shadowed(in, first)...)
	if in.enf != nil {
		for _, cycle := range in.enf.Cycles() {
			members := map[string]bool{}
			for _, n := range cycle {
				members[n] = true
			}
			for _, l := range in.gLines() {
				if members[l.Subject()] && members[l.Role()] {
					out = append(out, policy.Finding{
						Location: in.atLine(l),
						Message:  "role cycle: " + strings.Join(cycle, ", ") + " inherit each other",
						Detail:   "cycles load and terminate, but every member of the cycle holds every other's permissions",
						Fix:      "remove one g line of the cycle",
					})
					break
				}
			}
		}
	}
	return out
}

// lineKey identifies a p or g line by its fields (no allocation per line).
type lineKey struct {
	typ    string
	fields [5]string
}

func keyOf(l *rbac.Line) lineKey {
	k := lineKey{typ: l.Type}
	copy(k.fields[:], l.Fields)
	return k
}

// maxShadowLines bounds the pairwise comparison per subject.
const maxShadowLines = 200

// shadowed reports p lines that another line of the same subject makes
// pointless (glob mode): an allow inside another allow grants nothing more;
// an allow inside a deny never takes effect. "Inside" means the wider
// line's patterns match the narrower line's patterns read as text
// (*/* covers team-a/*). Exact duplicates are reported separately.
func shadowed(in *rbacInput, dup map[lineKey]*rbac.Line) []policy.Finding {
	if in.pol.Regex() {
		return nil
	}
	bySubject := map[string][]*rbac.Line{}
	for _, l := range in.pLines() {
		if e := l.Effect(); e == "allow" || e == "deny" {
			bySubject[l.Subject()] = append(bySubject[l.Subject()], l)
		}
	}
	var out []policy.Finding
	mt := rbac.NewMatcher(false)
	for _, l := range in.pLines() {
		lines := bySubject[l.Subject()]
		if l.Effect() != "allow" || len(lines) < 2 || len(lines) > maxShadowLines {
			continue
		}
		for _, m := range lines {
			if m == l || !mayCover(m.Resource(), l.Resource()) || !mayCover(m.Action(), l.Action()) ||
				!covers(mt, m, l) || keyOf(m) == keyOf(l) {
				continue
			}
			if dup[keyOf(l)] != l {
				break // a duplicate: reported above
			}
			msg := fmt.Sprintf("shadowed by %s: it grants nothing more", m.Where())
			if m.Effect() == "deny" {
				msg = fmt.Sprintf("never takes effect: the deny at %s covers it", m.Where())
			}
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  msg,
				Fix:      "remove the line, or narrow the wider one",
			})
			break
		}
	}
	return out
}

// mayCover is a cheap pre-check: a literal pattern covers only itself.
func mayCover(wide, narrow string) bool {
	return wide == narrow || strings.ContainsAny(wide, "*?[{\\")
}

// covers reports whether m's patterns match l's patterns as text.
func covers(mt *rbac.Matcher, m, l *rbac.Line) bool {
	return mt.Match(m.Resource(), l.Resource()) && mt.Match(m.Action(), l.Action()) && mt.Match(m.Object(), l.Object())
}
