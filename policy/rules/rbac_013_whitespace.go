package rules

// RBAC-013 restricts fields to values without surrounding whitespace:
// encoding/csv keeps trailing spaces (and quoted leading spaces), so
// "role:dev " is a different role from "role:dev".

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC013 = policy.Rule{
	ID: "RBAC-013", Title: "Field with leading or trailing whitespace",
	Severity: policy.SeverityLow, Category: "rbac", Action: policy.ActionWarn,
	Doc: "Argo CD trims each line and the leading spaces of each field, but keeps trailing spaces inside a " +
		"field (`g, bob , role:dev` is the subject \"bob \") and spaces inside quotes. Such a subject, role or " +
		"pattern never matches the name it looks like. policy.default is used verbatim too. Remove the spaces.",
	Check: checkRBACWhitespace,
}

var fieldNames = map[string][]string{
	"p": {"subject", "resource", "action", "object", "effect"},
	"g": {"subject", "role"},
}

func checkRBACWhitespace(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if d := in.pol.Default; d != "" && strings.TrimSpace(d) != d {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyDefault),
			Message:  fmt.Sprintf("policy.default %s has surrounding whitespace: no such role", quoteField(d)),
			Fix:      "remove the spaces",
		})
	}
	for _, l := range in.userLines() {
		names := fieldNames[l.Type]
		for i, f := range l.Fields {
			if i >= len(names) || strings.TrimSpace(f) == f {
				continue
			}
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("%s %s keeps its whitespace: it is not %s", names[i], quoteField(f), quoteField(strings.TrimSpace(f))),
				Detail:   "encoding/csv keeps trailing spaces and quoted spaces, and names match exactly",
				Fix:      "remove the spaces around the field",
			})
		}
	}
	return out
}
