package rules

// WF-006 to WF-009 are the Workflows sso settings that work but weaken
// access control: no SSO RBAC, no groups scope for it, TLS checks off, and
// long sessions.

import (
	"fmt"
	"time"

	"github.com/argoguard/argoguard/policy"
)

// maxSession is the longest sessionExpiry WF-009 accepts.
const maxSession = 24 * time.Hour

var ruleWF006 = policy.Rule{
	ID: "WF-006", Title: "Workflows SSO RBAC off", Severity: policy.SeverityMedium,
	Category: "workflows", Action: policy.ActionWarn,
	Doc: "Without rbac.enabled: true every SSO user of Argo Workflows acts as argo-server's own service account, " +
		"whatever their groups. Set rbac: {enabled: true} and annotate service accounts with " +
		"workflows.argoproj.io/rbac-rule.",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadWorkflows(s)
		if !ok || !in.cfg.Present || in.cfg.RBAC() {
			return nil
		}
		loc := in.atPath(0, in.cfg.Prefix+"rbac")
		if in.cfg.RBACSet {
			loc = in.at(in.cfg.RBACEnabled)
		}
		return []policy.Finding{{
			Location: loc,
			Message:  "rbac.enabled is not true: every SSO user acts as argo-server's service account",
			Fix:      "add rbac: {enabled: true} and map groups to service accounts with workflows.argoproj.io/rbac-rule",
		}}
	},
}

var ruleWF007 = policy.Rule{
	ID: "WF-007", Title: "scopes lack groups while rbac.enabled", Severity: policy.SeverityMedium,
	Category: "workflows", Action: policy.ActionWarn,
	Doc: "Dex (every connector) puts groups in the token only when the client asks for the groups scope; " +
		"without it the rbac-rule expressions see no groups and match nobody (\"no service account rule " +
		"matches\"). With another identity provider and customGroupClaimName, the provider decides which scope " +
		"releases that claim, so nothing is said. Add scopes: [groups, email].",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadWorkflows(s)
		if !ok || !in.cfg.RBAC() || in.cfg.HasScope("groups") || in.cfg.HasProblem("scopes") {
			return nil
		}
		dex := in.usesArgoCDDex(s)
		if !dex && in.cfg.CustomGroupClaimName.Value != "" {
			return nil // the IdP's own claim; which scope releases it is the IdP's business
		}
		msg := "rbac.enabled is true but scopes lack groups: the rbac-rule expressions see no groups"
		if !dex {
			msg = "rbac.enabled is true but scopes lack groups: most providers then send no groups"
		}
		line := in.cfg.ScopesLine
		if line == 0 {
			line = in.cfg.RBACEnabled.Line
		}
		return []policy.Finding{{
			Location: in.atPath(line, in.cfg.Prefix+"scopes"),
			Message:  msg,
			Fix:      "set scopes: [groups, email]",
		}}
	},
}

var ruleWF008 = policy.Rule{
	ID: "WF-008", Title: "Workflows SSO skips TLS verification", Severity: policy.SeverityHigh,
	Category: "workflows", Action: policy.ActionWarn,
	Doc: "insecureSkipVerify: true makes argo-server (server/auth/sso/sso.go) accept any certificate from the " +
		"issuer: whoever sits on the network path can issue tokens. Remove it; give rootCA for a private CA. A " +
		"warning: logins work with it, and teams set it deliberately for an issuer behind a private CA; settings " +
		"rules: {WF-008: deny} refuses it.",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadWorkflows(s)
		if !ok || in.cfg.InsecureSkipVerify.Tag != "!!bool" || in.cfg.InsecureSkipVerify.Value != "true" {
			return nil
		}
		return []policy.Finding{{
			Location: in.at(in.cfg.InsecureSkipVerify),
			Message:  "insecureSkipVerify is true: the issuer's TLS certificate is not checked",
			Fix:      "remove insecureSkipVerify (use rootCA for a private CA)",
		}}
	},
}

var ruleWF009 = policy.Rule{
	ID: "WF-009", Title: "Workflows session longer than 24h", Severity: policy.SeverityLow,
	Category: "workflows", Action: policy.ActionWarn,
	Doc: "sessionExpiry sets how long an Argo Workflows login lasts; group changes and offboarding in the IdP " +
		"take effect only when it ends. Keep it at 24h or less (default 10h).",
	Check: func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadWorkflows(s)
		if !ok {
			return nil
		}
		d, set := in.cfg.SessionDuration()
		if !set || d <= maxSession {
			return nil
		}
		return []policy.Finding{{
			Location: in.at(in.cfg.SessionExpiry),
			Message:  fmt.Sprintf("sessionExpiry %s is longer than 24h: IdP offboarding takes that long to apply", in.cfg.SessionExpiry.Value),
			Fix:      "set sessionExpiry: 10h (or at most 24h)",
		}}
	},
}
