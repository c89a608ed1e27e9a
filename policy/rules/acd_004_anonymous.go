package rules

// ACD-004 restricts anonymous access: with users.anonymous.enabled "true"
// everyone who can reach Argo CD gets policy.default without logging in.
// That is a hole when the default role can change anything; a read-only
// (or empty) default is a deliberate demo setup and only a warning.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD004 = policy.Rule{
	ID: "ACD-004", Title: "anonymous access enabled", Severity: policy.SeverityCritical,
	Category: "argocd", Action: policy.ActionDeny,
	Doc: "With users.anonymous.enabled: \"true\" (util/settings/settings.go; only that exact word) argocd-server " +
		"serves every unauthenticated visitor with the permissions of policy.default (util/rbac/rbac.go " +
		"enforces the default role for them). Denied when the default role can do more than get (role:admin, " +
		"or any write): anyone on the network can change deployments. A read-only or empty default is a " +
		"deliberate setup (a public demo) and works: a warning, as is anonymous access while argocd-rbac-cm " +
		"is not known. Remove the key or set it to \"false\" unless the instance is meant to be public.",
	Check: checkAnonymous,
}

func checkAnonymous(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || !in.cm.AnonymousEnabled {
		return nil
	}
	f := policy.Finding{
		Location: in.at(sso.KeyAnonymousEnabled, 1, ""),
		Fix:      `remove users.anonymous.enabled or set it to "false", unless the instance is meant to be public`,
	}
	rb, ok := loadRBAC(s)
	if !ok || rb.enf == nil {
		f.Action = policy.ActionWarn
		f.Message = "anonymous access is enabled: anyone who reaches Argo CD gets policy.default without logging in"
		f.Detail = "argocd-rbac-cm is not known, so what policy.default grants cannot be judged"
		return []policy.Finding{f}
	}
	if write := defaultWrite(&rb); write != "" {
		f.Message = "anonymous access is enabled and policy.default " + write + ": anyone can change Argo CD"
		f.Detail = "anonymous visitors get the default role's permissions without logging in"
		f.Fix = `set users.anonymous.enabled to "false", or make policy.default read-only`
		return []policy.Finding{f}
	}
	f.Action = policy.ActionWarn
	what := "read access of policy.default " + rb.pol.Default
	if rb.pol.Default == "" || !rb.enf.HasPermissions(rb.pol.Default) {
		what = "no permissions (policy.default grants nothing)"
	}
	f.Message = "anonymous access is enabled: visitors get " + what + " without logging in"
	f.Detail = "a deliberate setup for a public instance; everything the default role can read is public"
	return []policy.Finding{f}
}

// defaultWrite says what in policy.default goes beyond reading ("" when
// nothing does): role:admin, or the first allowed action other than get
// (UI extensions aside, as in RBAC-002).
func defaultWrite(rb *rbacInput) string {
	def := rb.pol.Default
	if def == "" {
		return ""
	}
	for _, r := range rb.enf.Roles(def) {
		if r == rbac.RoleAdmin {
			return "is or inherits role:admin"
		}
	}
	for _, p := range rb.defaultRolePerms() {
		if p.Effect == "allow" && p.Action != "get" && p.Resource != rbac.ResourceExtensions {
			return fmt.Sprintf("allows %s on %s", p.Action, p.Resource)
		}
	}
	return ""
}
