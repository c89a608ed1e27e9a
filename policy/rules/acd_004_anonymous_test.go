package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestACD004(t *testing.T) {
	anon := func(rbacData map[string]string) func(f *ssoFixture) {
		return func(f *ssoFixture) {
			f.acd["users.anonymous.enabled"] = "true"
			f.rbac = rbacData
		}
	}
	runSSOTable(t, "ACD-004", []ssoCase{
		{name: "enabled, policy unknown", tweak: setACD("users.anonymous.enabled", "true"), want: 1, contains: "anonymous access is enabled", action: policy.ActionWarn},
		// A public read-only demo is deliberate and works.
		{name: "read-only demo", tweak: anon(map[string]string{"policy.default": "role:readonly"}), want: 1, contains: "read access of policy.default role:readonly", action: policy.ActionWarn},
		{name: "empty default", tweak: anon(map[string]string{"policy.csv": "g, admins, role:admin"}), want: 1, contains: "no permissions", action: policy.ActionWarn},
		// Anonymous writers are a hole.
		{name: "default admin", tweak: anon(map[string]string{"policy.default": "role:admin"}), want: 1, contains: "role:admin", action: policy.ActionDeny},
		{name: "default that syncs", tweak: anon(map[string]string{"policy.default": "role:base",
			"policy.csv": "p, role:base, applications, get, */*, allow\np, role:base, applications, sync, */*, allow"}),
			want: 1, contains: "allows sync on applications", action: policy.ActionDeny},
		// Argo CD enables anonymous access only for exactly "true".
		{name: "True is not true", tweak: setACD("users.anonymous.enabled", "True"), want: 0},
		{name: "false", tweak: setACD("users.anonymous.enabled", "false"), want: 0},
	})
}
