package rules

// RBAC-020 reports (audit only) deny lines that cannot take effect: Argo CD
// checks the default role first and on its own, so a deny never takes back
// what policy.default allows.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC020 = policy.Rule{
	ID: "RBAC-020", Title: "Deny that cannot take effect",
	Severity: policy.SeverityLow, Category: "rbac", Action: policy.ActionAudit,
	Doc: "Argo CD evaluates the default role, the user and each group separately, and allows the request if " +
		"any of them is allowed. A deny therefore only blocks the subject it is written for: it cannot take " +
		"back what policy.default allows (nor what another group of the same user allows). Remove the " +
		"permission from the default role instead.",
	Check: checkRBACIneffectiveDeny,
}

func checkRBACIneffectiveDeny(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil || in.pol.Default == "" {
		return nil
	}
	regex := in.pol.Regex()
	var out []policy.Finding
	for _, l := range in.pLines() {
		if l.Effect() != "deny" || l.Subject() == in.pol.Default {
			continue
		}
		res, act, obj := sample(l.Resource(), regex), sample(l.Action(), regex), sample(l.Object(), regex)
		if !rbac.MatchPattern(l.Resource(), res, regex) || !rbac.MatchPattern(l.Action(), act, regex) || !rbac.MatchPattern(l.Object(), obj, regex) {
			continue
		}
		if in.enf.EnforceSubject(in.pol.Default, res, act, obj) {
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("deny has no effect on %s %s %s: policy.default %s allows it", act, res, obj, in.pol.Default),
				Detail:   "the default role is checked first and on its own; a deny cannot take back what it grants",
				Fix:      "remove the permission from the default role, or drop the deny",
			})
		}
	}
	return out
}

// sample makes one concrete value a pattern matches (the caller checks
// that it does): wildcards become "x", classes their first member,
// alternatives their first choice.
func sample(pattern string, regex bool) string {
	if regex {
		p := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
		r := strings.NewReplacer(".*", "x", ".+", "x", "\\.", ".", "\\/", "/")
		return r.Replace(p)
	}
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*', '?':
			b.WriteByte('x')
		case '\\':
			if i+1 < len(pattern) {
				i++
				b.WriteByte(pattern[i])
			}
		case '[':
			j := strings.IndexByte(pattern[i:], ']')
			if j < 0 {
				return pattern
			}
			class := pattern[i+1 : i+j]
			if class != "" && class[0] != '!' {
				b.WriteByte(class[0])
			} else {
				b.WriteByte('~')
			}
			i += j
		case '{':
			j := strings.IndexByte(pattern[i:], '}')
			if j < 0 {
				return pattern
			}
			alt, _, _ := strings.Cut(pattern[i+1:i+j], ",")
			b.WriteString(alt)
			i += j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
