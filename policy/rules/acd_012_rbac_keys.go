package rules

// ACD-012 flags RBAC keys (policy.csv, policy.<name>.csv, policy.default,
// policy.matchMode, scopes) written into argocd-cm: Argo CD reads them
// only from argocd-rbac-cm (util/rbac/rbac.go), so the policy they carry
// is never applied.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleACD012 = policy.Rule{
	ID: "ACD-012", Title: "RBAC key written into argocd-cm", Severity: policy.SeverityHigh,
	Category: "argocd", Action: policy.ActionWarn,
	Doc: "Argo CD's RBAC reads policy.csv, policy.<name>.csv, policy.default, policy.matchMode and scopes from " +
		"argocd-rbac-cm only (util/rbac/rbac.go); in argocd-cm they are ignored without a message, so the " +
		"permissions, default role or scopes written there never apply. Move the keys to argocd-rbac-cm.",
	Check: checkRBACKeysInArgoCDCM,
}

func isRBACKey(k string) bool {
	return k == rbac.KeyDefault || k == rbac.KeyMatchMode || k == rbac.KeyScopes ||
		(strings.HasPrefix(k, "policy.") && strings.HasSuffix(k, ".csv"))
}

func checkRBACKeysInArgoCDCM(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	var keys []string
	for k := range in.obj.Data {
		if isRBACKey(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	rbacName := in.set.ArgoCD.RBACConfigMap
	var out []policy.Finding
	for _, k := range keys {
		out = append(out, policy.Finding{
			Location: in.at(k, 0, ""),
			Message:  fmt.Sprintf("%s belongs in %s: Argo CD ignores it in %s", k, rbacName, in.obj.Ref.Name),
			Detail:   "Argo CD's RBAC reads its keys from " + rbacName + " only; what this key says never applies",
			Fix:      fmt.Sprintf("move data[%q] to the ConfigMap %s", k, rbacName),
		})
	}
	return out
}
