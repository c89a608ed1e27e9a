package rules

// ACD-005 and ACD-011 restrict the local accounts: the built-in admin
// should be off once SSO works, and every account flag must be a boolean
// Argo CD can parse (an invalid accounts.<name>.enabled breaks every local
// login, admin included).

import (
	"strconv"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleACD005 = policy.Rule{
	ID: "ACD-005", Title: "local admin left on with SSO", Severity: policy.SeverityMedium,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "Once SSO is configured the local admin account (password in argocd-initial-admin-secret) is a " +
		"shared credential that bypasses the identity provider and its MFA. Set admin.enabled: \"false\" after " +
		"checking that an SSO group holds role:admin.",
	Check: checkAdminWithSSO,
}

var ruleACD011 = policy.Rule{
	ID: "ACD-011", Title: "account flag not a boolean", Severity: policy.SeverityHigh,
	Category: "argocd", Action: policy.ActionDeny,
	Doc: "Argo CD reads admin.enabled and accounts.<name>.enabled with strconv.ParseBool. An invalid " +
		"accounts.<name>.enabled makes reading the accounts fail, so every local login fails, admin's too; an " +
		"invalid admin.enabled leaves admin enabled. Write \"true\" or \"false\"." +
		" Source: Argo CD: util/settings/accounts.go (strconv.ParseBool).",
	Check: checkAccountFlags,
}

func checkAdminWithSSO(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || !in.cm.SSOConfigured() {
		return nil
	}
	if in.cm.AdminEnabledSet {
		if on, err := strconv.ParseBool(in.cm.AdminEnabled); err == nil && !on {
			return nil
		}
	}
	line := 0
	if in.cm.AdminEnabledSet {
		line = 1
	}
	return []policy.Finding{{
		Location: in.at(sso.KeyAdminEnabled, line, ""),
		Message:  `admin.enabled is not "false" while SSO is configured: the local admin password still works`,
		Detail:   "the admin account bypasses the identity provider (and its MFA and offboarding)",
		Fix:      `set admin.enabled: "false" once an SSO group holds role:admin`,
	}}
}

func checkAccountFlags(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	if in.cm.AdminEnabledSet {
		if _, err := strconv.ParseBool(in.cm.AdminEnabled); err != nil {
			out = append(out, policy.Finding{
				Location: in.at(sso.KeyAdminEnabled, 1, ""),
				Message:  "admin.enabled " + strconv.Quote(in.cm.AdminEnabled) + " is not a boolean; Argo CD keeps admin enabled",
				Fix:      `write admin.enabled: "false" (or "true")`,
			})
		}
	}
	for _, a := range in.cm.Accounts {
		if !a.EnabledSet {
			continue
		}
		if _, err := strconv.ParseBool(a.Enabled); err != nil {
			out = append(out, policy.Finding{
				Location: in.at(a.EnabledKey(), 1, ""),
				Message:  a.EnabledKey() + " " + strconv.Quote(a.Enabled) + " is not a boolean: every local login fails, admin's too",
				Fix:      `write "true" or "false"`,
			})
		}
	}
	return out
}
