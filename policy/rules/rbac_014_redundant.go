package rules

// RBAC-014 reports (audit only) lines that do not do what they seem or
// make the policy harder to review: duplicates, lines that change the
// built-in roles for everyone who holds them, and role cycles.

import (
	"fmt"

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
	if in.enf != nil {
		reported := map[string]bool{}
		for _, l := range in.gLines() {
			back := in.enf.Path(l.Role(), l.Subject())
			if back == nil || reported[l.Subject()] {
				continue
			}
			for _, b := range back {
				reported[b.Subject()] = true
			}
			reported[l.Subject()] = true
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("role cycle: %s and %s inherit each other", l.Subject(), l.Role()),
				Detail:   "cycles load and terminate, but every member of the cycle holds every other's permissions",
				Fix:      "remove one g line of the cycle",
			})
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
