package rules

// RBAC-014 reports (audit only) lines that do not do what they seem or
// make the policy harder to review: duplicates, allow lines another line
// of the same subject shadows, lines that change the built-in roles for
// everyone who holds them, and role cycles. One finding per kind, listing
// its lines.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC014 = policy.Rule{
	ID: "RBAC-014", Title: "Duplicate or shadowed lines, extended built-in roles, role cycles",
	Severity: policy.SeverityLow, Category: "rbac", Action: policy.ActionAudit,
	Doc: "The built-in role:readonly and role:admin are always loaded; p lines for them repeat or widen what " +
		"they grant to everyone holding them (often the default role), which reviewers rarely expect. Define a " +
		"role of your own instead. Duplicate lines, allow lines inside a wider allow or a deny of the same " +
		"subject, and role cycles (g, a, b and g, b, a) load fine but hide what the policy means. One finding " +
		"per kind (duplicates, built-in roles, shadowed lines) lists its lines; one per role cycle.",
	Check: checkRBACRedundant,
}

// maxPairLines bounds the pairwise comparisons per subject.
const maxPairLines = 200

func checkRBACRedundant(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	// Lines of one type and subject, in load order; built-in lines first.
	type group struct{ typ, sub string }
	groups := map[group][]*rbac.Line{}
	for _, b := range rbac.Builtin() {
		k := group{b.Type, b.Subject()}
		groups[k] = append(groups[k], b)
	}
	for _, l := range in.userLines() {
		if !l.Ignored() {
			k := group{l.Type, l.Subject()}
			groups[k] = append(groups[k], l)
		}
	}
	// One finding per kind of problem, listing its lines (a single line
	// keeps its own message).
	var dups, builtins, shadowed []lineNote
	var dupOne, builtinOne, shadowOne policy.Finding
	reported := map[*rbac.Line]bool{} // one kind per line
	for _, l := range in.userLines() {
		if l.Ignored() {
			continue
		}
		first := firstEqual(groups[group{l.Type, l.Subject()}], l)
		if first != nil && first.Key == rbac.BuiltinKey {
			// Repeating a built-in line is part of touching the built-in
			// role: one finding with the lines that extend it.
			reported[l] = true
			builtins = append(builtins, lineNote{l, "repeats " + first.Where()})
			builtinOne = policy.Finding{Message: "repeats " + first.Where(), Fix: "remove the duplicate line"}
			continue
		}
		if first != nil {
			reported[l] = true
			dups = append(dups, lineNote{l, "repeats " + first.Where()})
			dupOne = policy.Finding{Message: "repeats " + first.Where(), Fix: "remove the duplicate line"}
			continue
		}
		if rbac.IsBuiltinRole(l.Subject()) {
			reported[l] = true
			if l.Type == "g" && in.enf != nil && !in.enf.HasPermissions(l.Role()) {
				continue // a dead line changes nothing: RBAC-005 reports it
			}
			what := "extends"
			if l.Type == "g" {
				what = "adds role " + l.Role() + " to"
			}
			builtins = append(builtins, lineNote{l, what + " built-in " + l.Subject()})
			builtinOne = policy.Finding{
				Message: fmt.Sprintf("%s built-in %s: this changes it for everyone who holds it", what, l.Subject()),
				Detail:  "built-in roles are always loaded and often used as policy.default",
				Fix:     "define your own role (role:<team>) for extra permissions",
			}
		}
	}
	mt := rbac.NewMatcher(in.pol.Regex())
	for _, l := range in.pLines() {
		if reported[l] || l.Effect() != "allow" {
			continue
		}
		if f, ok := shadowedBy(mt, groups[group{"p", l.Subject()}], l); ok {
			shadowed = append(shadowed, lineNote{l, f.Message})
			shadowOne = f
		}
	}
	var out []policy.Finding
	if len(dups) > 0 {
		out = append(out, in.grouped(dups, dupOne, linesText(dups)+" repeat earlier lines", "remove the duplicate lines"))
	}
	if len(builtins) > 0 {
		var roles []string
		for _, n := range builtins {
			if !slices.Contains(roles, n.line.Subject()) {
				roles = append(roles, n.line.Subject())
			}
		}
		f := in.grouped(builtins, builtinOne,
			fmt.Sprintf("%s extend built-in %s for everyone who holds them", linesText(builtins), strings.Join(roles, ", ")),
			"define your own role (role:<team>) for extra permissions")
		if len(builtins) > 1 {
			f.Detail = "built-in roles are always loaded and often used as policy.default; " + f.Detail
		}
		out = append(out, f)
	}
	if len(shadowed) > 0 {
		out = append(out, in.grouped(shadowed, shadowOne,
			linesText(shadowed)+" are shadowed: they grant nothing more or never take effect",
			"remove the lines, or narrow the wider ones"))
	}
	if in.enf != nil {
		out = append(out, cycleFindings(&in)...)
	}
	return out
}

// firstEqual returns the first line of same (one type and subject) before
// l with the same fields, or nil.
func firstEqual(same []*rbac.Line, l *rbac.Line) *rbac.Line {
	if len(same) > maxPairLines {
		return nil
	}
	for _, m := range same {
		if m == l {
			return nil
		}
		if slices.Equal(m.Fields, l.Fields) {
			return m
		}
	}
	return nil
}

// shadowedBy reports an allow that another line of the same subject makes
// pointless: inside another allow it grants nothing more; inside a deny it
// never takes effect. "Inside" is rbac.Covers in every field: proven, not
// guessed from the text (a? does not cover a*; */* covers team-a/*), so a
// line is never called shadowed unless it is. Of two allows that cover
// each other (* and **), only the later one is reported.
func shadowedBy(mt *rbac.Matcher, same []*rbac.Line, l *rbac.Line) (policy.Finding, bool) {
	if len(same) < 2 || len(same) > maxPairLines {
		return policy.Finding{}, false
	}
	pos := slices.Index(same, l)
	for i, m := range same {
		if m == l || (m.Effect() != "allow" && m.Effect() != "deny") ||
			slices.Equal(m.Fields, l.Fields) || !linesCover(mt, m, l) ||
			(m.Effect() == "allow" && i > pos && linesCover(mt, l, m)) {
			continue
		}
		msg := fmt.Sprintf("shadowed by %s: it grants nothing more", m.Where())
		if m.Effect() == "deny" {
			msg = fmt.Sprintf("never takes effect: the deny at %s covers it", m.Where())
		}
		return policy.Finding{Message: msg, Fix: "remove the line, or narrow the wider one"}, true
	}
	return policy.Finding{}, false
}

// linesCover: every request narrow's patterns match, wide's match too.
func linesCover(mt *rbac.Matcher, wide, narrow *rbac.Line) bool {
	return mt.Covers(wide.Resource(), narrow.Resource()) && mt.Covers(wide.Action(), narrow.Action()) &&
		mt.Covers(wide.Object(), narrow.Object())
}

// cycleFindings reports one g line of every role cycle.
func cycleFindings(in *rbacInput) []policy.Finding {
	var out []policy.Finding
	for _, cycle := range in.enf.Cycles() {
		for _, l := range in.gLines() {
			if slices.Contains(cycle, l.Subject()) && slices.Contains(cycle, l.Role()) {
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
	return out
}
