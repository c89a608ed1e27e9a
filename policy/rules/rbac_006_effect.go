package rules

// RBAC-006 restricts p line effects to the exact words allow and deny:
// casbin treats anything else (Allow, DENY, empty) as neither, so the line
// silently does nothing.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
)

var ruleRBAC006 = policy.Rule{
	ID: "RBAC-006", Title: "Effect is neither allow nor deny",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "The sixth field of a p line must be exactly allow or deny (lower case). Casbin counts any other " +
		"value (Allow, DENY, allowed, empty) as neither, so the line neither grants nor blocks anything, " +
		"silently. Write allow or deny." +
		" Source: Argo CD: assets/model.conf (effect some(allow) && !some(deny)).",
	Check: checkRBACEffect,
}

func checkRBACEffect(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, l := range in.pLines() {
		eft := l.Effect()
		if eft == "allow" || eft == "deny" || inlineComment(l) != "" { // inline notes: RBAC-001
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("effect %s is neither allow nor deny: the line does nothing", quoteField(eft)),
			Detail:   "casbin compares the effect with the exact words allow and deny",
			Fix:      "write allow or deny in lower case",
		})
	}
	return out
}
