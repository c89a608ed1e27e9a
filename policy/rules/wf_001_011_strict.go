package rules

// WF-001 and WF-011 mirror Argo Workflows' strict reading of its
// ConfigMap: the controller and argo-server refuse to start on a sso config
// that is not YAML, has unknown fields or wrong types (WF-001), a `config`
// key beside other keys, duplicate keys, scopes that are not a list, a
// sessionExpiry that is not a Go duration, or a filterGroupsRegex that does
// not compile (WF-011).

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleWF001 = policy.Rule{
	ID: "WF-001", Title: "sso config Argo Workflows cannot read", Severity: policy.SeverityCritical,
	Category: "workflows", Action: policy.ActionDeny,
	Doc: "Argo Workflows decodes workflow-controller-configmap strictly: invalid YAML, an unknown field (a " +
		"Helm-only `enabled: true` leaking into sso) or a wrong type makes the workflow-controller and " +
		"argo-server fail at start. Fix the field named." +
		" Source: Argo Workflows: config/controller.go (yaml.UnmarshalStrict).",
	Check: wfProblems(sso.KindSyntax, sso.KindUnknown, sso.KindType),
}

var ruleWF011 = policy.Rule{
	ID: "WF-011", Title: "sso config shape Argo Workflows refuses", Severity: policy.SeverityCritical,
	Category: "workflows", Action: policy.ActionDeny,
	Doc: "A `config` key must be the only key of the ConfigMap; keys must not repeat; scopes must be a YAML " +
		"list; sessionExpiry a Go duration (\"10h\"); every filterGroupsRegex must compile. Otherwise the " +
		"controller and argo-server fail at start." +
		" Source: Argo Workflows: config/controller.go (yaml.UnmarshalStrict), server/auth/sso/sso.go (filterGroupsRegex).",
	Check: wfProblems(sso.KindConfigKey, sso.KindDuplicate, sso.KindScopes, sso.KindDuration, sso.KindRegex),
}

func wfProblems(kinds ...sso.ProblemKind) policy.CheckFunc {
	return func(s *policy.Snapshot) []policy.Finding {
		in, ok := loadWorkflows(s)
		if !ok {
			return nil
		}
		var out []policy.Finding
		for _, p := range in.cfg.Problems {
			for _, k := range kinds {
				if p.Kind != k {
					continue
				}
				out = append(out, policy.Finding{
					Location: in.atPath(p.Line, p.Path),
					Message:  p.Msg,
					Detail:   "the workflow-controller and argo-server refuse the ConfigMap and do not start",
					Fix:      wfFix(p.Kind),
				})
			}
		}
		return out
	}
}

func wfFix(k sso.ProblemKind) string {
	switch k {
	case sso.KindUnknown:
		return "remove the field or correct its name (fields: issuer, clientId, clientSecret, redirectUrl, rbac, scopes, sessionExpiry, ...)"
	case sso.KindType:
		return "write the value with the type Argo Workflows expects"
	case sso.KindConfigKey:
		return "move everything into `config`, or drop `config` and use separate keys (sso: |)"
	case sso.KindDuplicate:
		return "keep one of the two entries"
	case sso.KindScopes:
		return "write scopes as a list: scopes: [groups, email]"
	case sso.KindDuration:
		return "write sessionExpiry as a Go duration string, e.g. 10h"
	case sso.KindRegex:
		return "fix the regular expression (Go RE2 syntax)"
	}
	return "fix the YAML at the line named"
}
