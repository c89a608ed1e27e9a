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

func init() {
	register(policy.Rule{
		ID: "RBAC-015", Title: "Placeholder left in the policy",
		Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
		Doc: "Guides write values to replace as <your-aws-group-id> or <project>. Left in a policy line or " +
			"policy.default they are literal names that match nobody, so the intended users get nothing. Replace " +
			"the placeholder with the real value (for IAM Identity Center groups: the GroupId)." +
			" Source: Argo CD: util/rbac/rbac.go (subjects and objects are matched literally).",
		Check: checkRBACPlaceholder,
	})
}

var placeholderPattern = regexp.MustCompile(`<[^<>]+>`)

func checkRBACPlaceholder(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if m := placeholderPattern.FindString(in.pol.Default); m != "" {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyDefault),
			Message:  fmt.Sprintf("placeholder %s left in policy.default", m),
			Fix:      "replace it with a real role name",
		})
	}
	for _, l := range in.userLines() {
		for _, f := range l.Fields {
			if !strings.Contains(f, "<") {
				continue
			}
			if m := placeholderPattern.FindString(f); m != "" {
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
