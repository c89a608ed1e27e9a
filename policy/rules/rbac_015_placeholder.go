package rules

// RBAC-015 restricts argocd-rbac-cm to finished values: a placeholder
// copied from a guide (<your-aws-group-id>) matches nobody.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC015 = policy.Rule{
	ID: "RBAC-015", Title: "Placeholder left in the policy",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "Guides write values to replace as <your-aws-group-id>, <project>, your-group-id or YOUR_GROUP_ID. Left in a policy line or " +
		"policy.default they are literal names that match nobody, so the intended users get nothing. Replace " +
		"the placeholder with the real value (for IAM Identity Center groups: the GroupId)." +
		" Source: Argo CD: util/rbac/rbac.go (subjects and objects are matched literally).",
	Check: checkRBACPlaceholder,
}

var placeholderPattern = regexp.MustCompile(`<[^<>]+>`)

// rbacPlaceholder returns the first placeholder in a value: <...>, or a
// your-/your_/YOUR_ word (yourPlaceholder, shared with DEX-009).
func rbacPlaceholder(v string) string {
	if m := placeholderPattern.FindString(v); m != "" {
		return m
	}
	return yourPlaceholder.FindString(v)
}

func checkRBACPlaceholder(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if m := rbacPlaceholder(in.pol.Default); m != "" {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyDefault),
			Message:  fmt.Sprintf("placeholder %s left in policy.default", m),
			Fix:      "replace it with a real role name",
		})
	}
	for _, l := range in.userLines() {
		for _, f := range l.Fields {
			if !strings.Contains(f, "<") && !strings.Contains(strings.ToLower(f), "your") {
				continue
			}
			if m := rbacPlaceholder(f); m != "" {
				out = append(out, policy.Finding{
					Location: in.atLine(l),
					Message:  fmt.Sprintf("placeholder %s left in: it matches nobody", m),
					Fix:      "replace it with the real value (for groups: the GroupId from `aws identitystore list-groups`)",
				})
				break
			}
		}
	}
	return out
}
