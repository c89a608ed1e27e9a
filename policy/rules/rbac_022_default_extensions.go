package rules

// RBAC-022 reports UI extensions offered to everyone through
// policy.default. It is a deliberate, common choice (how extensions such as
// metrics are shown to all users) and not a write to Argo CD objects, so it
// is a warning for review, never a deny.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC022 = policy.Rule{
	ID: "RBAC-022", Title: "policy.default lets every user invoke UI extensions",
	Severity: policy.SeverityLow, Category: "rbac", Action: policy.ActionWarn,
	Doc: "Argo CD's extension proxy (server/extension/extension.go) lets a user call an extension's backend when " +
		"the user may get the application and may invoke the extension (resource extensions, action invoke, " +
		"object the extension name). Granting invoke in policy.default offers the extension to everyone who " +
		"can log in; that is the usual way to show extensions such as metrics and works as intended. It is " +
		"reported so a reviewer sees which backends every user can reach: what an extension can do is decided " +
		"by its backend, not by Argo CD. Grant invoke to groups instead if not everyone should use it.",
	Check: checkRBACDefaultExtensions,
}

func checkRBACDefaultExtensions(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil || in.pol.Default == "" {
		return nil
	}
	var names, where []string
	seen := map[string]bool{}
	for _, p := range in.defaultRolePerms() {
		if p.Effect != "allow" || p.Resource != rbac.ResourceExtensions || (p.Action != "invoke" && p.Action != "*") {
			continue
		}
		if !seen[p.Object] {
			seen[p.Object] = true
			names = append(names, quoteField(p.Object))
		}
		where = append(where, p.Line.Where())
	}
	if len(names) == 0 {
		return nil
	}
	return []policy.Finding{{
		Location: in.atKey(rbac.KeyDefault),
		Message: fmt.Sprintf("policy.default %s lets every user invoke extension %s",
			in.pol.Default, joinAtMost(names, 3)),
		Detail: "granted by " + strings.Join(where, ", ") + "; every logged-in user who can read an application can " +
			"call these extensions' backends (not a write to Argo CD objects)",
		Fix: "keep it if every user should see these extensions; otherwise grant extensions, invoke to groups with g lines",
	}}
}
