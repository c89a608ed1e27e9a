package rules

// RBAC-005 restricts role assignments to roles that exist: a role with no
// permissions (usually a typo, or a trailing space) silently grants
// nothing to everyone assigned to it.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

func init() {
	register(policy.Rule{
		ID: "RBAC-005", Title: "Role assigned or used as default but has no permissions",
		Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
		Doc: "Roles are plain names: a g line or policy.default naming a role that no p line grants anything " +
			"(directly or through the roles it inherits) gives nothing, silently. This is usually a typo " +
			"(role:readOnly), a trailing space (\"role:readonly \"), or a role defined in another overlay key that was " +
			"removed. Built-in roles count as defined; project roles (proj:...) live in AppProjects and are not checked.",
		Check: checkRBACEmptyRole,
	})
}

func checkRBACEmptyRole(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil {
		return nil
	}
	empty := func(role string) bool {
		return !strings.HasPrefix(role, "proj:") && !in.enf.HasPermissions(role)
	}
	var out []policy.Finding
	if def := in.pol.Default; def != "" && empty(def) {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyDefault),
			Message:  fmt.Sprintf("policy.default %s has no permissions: it grants nothing", quoteField(def)),
			Detail:   "no p line grants anything to this role or the roles it inherits" + nearRole(&in, def),
			Fix:      "name an existing role (e.g. role:readonly) exactly, without spaces",
		})
	}
	for _, l := range in.gLines() {
		if !empty(l.Role()) {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("role %s has no permissions: %s gets nothing", quoteField(l.Role()), quoteField(l.Subject())),
			Detail:   "no p line grants anything to this role or the roles it inherits" + nearRole(&in, l.Role()),
			Fix:      "fix the role name or add its p lines",
		})
	}
	return out
}

// nearRole suggests a defined role that differs only in case or spaces.
func nearRole(in *rbacInput, role string) string {
	idx := in.near
	idx.once.Do(func() {
		idx.roles = map[string][]string{}
		for _, n := range in.enf.Names() {
			if in.enf.HasPermissions(n) {
				k := strings.ToLower(strings.TrimSpace(n))
				idx.roles[k] = append(idx.roles[k], n)
			}
		}
	})
	for _, n := range idx.roles[strings.ToLower(strings.TrimSpace(role))] {
		if n != role {
			return fmt.Sprintf("; did you mean %s?", quoteField(n))
		}
	}
	return ""
}
