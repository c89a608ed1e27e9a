package rules

// RBAC-002 restricts policy.default: it applies to every authenticated user
// (and anonymous users when enabled), is checked before anything else, and
// no deny can take it back, so it must grant nothing beyond get. UI
// extensions (resource extensions, action invoke) are their own category,
// judged by RBAC-022.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC002 = policy.Rule{
	ID: "RBAC-002", Title: "policy.default grants more than read access",
	Severity: policy.SeverityCritical, Category: "rbac", Action: policy.ActionDeny,
	Doc: "Argo CD's enforcer (util/rbac/rbac.go) tries policy.default first, as its own subject, for every " +
		"request of every logged-in user (and of anonymous users when users.anonymous.enabled is true); a deny " +
		"written for a user or group cannot take away what it grants. A default of role:admin, a role that " +
		"inherits it, or one that allows any action other than get on Argo CD's objects gives that power to " +
		"everyone who can log in: an unambiguous security hole. UI extensions (extensions, invoke) are not " +
		"writes to Argo CD objects and are judged by RBAC-022. Use role:readonly, a custom read-only role, a " +
		"role with no permissions (deny by default), or leave policy.default empty.",
	Check: checkRBACDefault,
}

func checkRBACDefault(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil || in.pol.Default == "" {
		return nil
	}
	def := in.pol.Default
	loc := in.atKey(rbac.KeyDefault)
	for _, r := range in.enf.Roles(def) {
		if r == rbac.RoleAdmin {
			msg := "policy.default is role:admin: every user is an administrator"
			if def != rbac.RoleAdmin {
				msg = fmt.Sprintf("policy.default %s inherits role:admin: every user is an administrator", def)
			}
			return []policy.Finding{{Location: loc, Message: msg,
				Detail: "the default role applies to every request and no deny line can restrict it",
				Fix:    "set policy.default to role:readonly (or empty) and grant admin through g lines to admin groups"}}
		}
	}
	var out []policy.Finding
	for _, p := range in.defaultRolePerms() {
		if p.Effect != "allow" || p.Action == "get" || p.Resource == rbac.ResourceExtensions {
			continue
		}
		out = append(out, policy.Finding{
			Location: loc,
			Message:  fmt.Sprintf("policy.default %s allows %s on %s %s for every user", def, p.Action, p.Resource, p.Object),
			Detail:   "granted by " + p.Line.Where() + "; the default role applies to every request and no deny can restrict it",
			Fix:      "keep only get permissions in the default role; grant write actions to groups with g lines",
		})
	}
	return out
}
