package rules

// RBAC-009 restricts subjects to plain names: Argo CD matches subjects by
// exact name through g lines, never as patterns, so `*` or a regex as a
// subject grants nobody.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

var ruleRBAC009 = policy.Rule{
	ID: "RBAC-009", Title: "Subject written as a pattern",
	Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
	Doc: "The subject of a p or g line is compared by exact name (casbin's g() with no matching function), in " +
		"glob and regex mode alike. `p, *, applications, get, */*, allow` does not grant every user anything: " +
		"it grants a user literally named *. Use policy.default for everyone, or list the groups.",
	Check: checkRBACSubjectPattern,
}

func checkRBACSubjectPattern(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, l := range in.userLines() {
		if l.Type != "p" && l.Type != "g" {
			continue
		}
		sub := l.Subject()
		if !strings.ContainsAny(sub, `*?[]{}()|^$\`) {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("subject %s is a literal name, not a pattern: it matches nobody", quoteField(sub)),
			Detail:   "subjects are matched by exact name through g lines, never as glob or regex",
			Fix:      "use policy.default for every user, or name the groups or users",
		})
	}
	return out
}
