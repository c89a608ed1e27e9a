package webhook

import (
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
)

// teamAccount is an rbac-rule ServiceAccount of namespace team-a.
func teamAccount(name, rule, precedence string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{
		"name": name, "namespace": "team-a", "annotations": map[string]any{
			"workflows.argoproj.io/rbac-rule": rule, "workflows.argoproj.io/rbac-rule-precedence": precedence}}}
}

const (
	ruleAnnotation       = "metadata.annotations[workflows.argoproj.io/rbac-rule]"
	precedenceAnnotation = "metadata.annotations[workflows.argoproj.io/rbac-rule-precedence]"
)

// With SSO namespace delegation (settings workflows.namespaceDelegation) a
// team namespace's rbac-rule account is judged against its siblings and the
// Workflows namespace's live accounts (the guide's fixed ones: admins 10,
// developers 5, a read-only catch-all 0). Without it the same account is
// not argo-server's: allowed untouched.
func TestDelegatedNamespaceServiceAccount(t *testing.T) {
	var live []map[string]any
	for _, u := range ssoRBACObjects(t, "fixed", "workflows-serviceaccounts.yaml") {
		if u["kind"] == policy.KindServiceAccount {
			live = append(live, u)
		}
	}
	const devsID = "a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15"
	on := guideSettings(t)
	on.Workflows.NamespaceDelegation = true
	off := guideSettings(t)

	displayName := teamAccount("team-devs", "'argocd-developers' in get($env, 'groups')", "20")
	for _, dryRun := range []bool{false, true} {
		resp := post(t, validator(on, fixedCluster(t, live...)), objectReview(t, admissionv1.Create, displayName, nil, dryRun))
		if resp.Allowed {
			t.Fatalf("dryRun=%v: display-name rule in a delegated namespace allowed", dryRun)
		}
		if c := causeFields(resp)[ruleAnnotation]; !strings.HasPrefix(c, "WFSA-002") || !strings.Contains(c, devsID) {
			t.Errorf("dryRun=%v: no WFSA-002 cause naming the ID: %v", dryRun, causeFields(resp))
		}
	}

	// Precedence 5 is not above argo-developer's 5, where developers land:
	// allowed with a warning (the API server's warnings are short; the
	// reason names the group and the account kept).
	notAbove := teamAccount("team-devs", "'"+devsID+"' in get($env, 'groups')", "5")
	resp := post(t, validator(on, fixedCluster(t, live...)), objectReview(t, admissionv1.Create, notAbove, nil, false))
	warnings := strings.Join(resp.Warnings, "\n")
	if !resp.Allowed || !strings.Contains(warnings, "WFSA-012: "+precedenceAnnotation) {
		t.Errorf("not above: allowed=%v warnings=%q", resp.Allowed, resp.Warnings)
	}
	// A rule that does not compile there is logged by argo-server, which
	// keeps the login account: a warning, not a refusal.
	broken := teamAccount("team-devs", "'"+devsID+"' in groups &&", "20")
	resp = post(t, validator(on, fixedCluster(t, live...)), objectReview(t, admissionv1.Create, broken, nil, false))
	if !resp.Allowed || !strings.Contains(strings.Join(resp.Warnings, "\n"), "WFSA-011") {
		t.Errorf("delegated rule that does not compile: allowed=%v warnings=%q", resp.Allowed, resp.Warnings)
	}
	// Above where developers land, with the ID: allowed, and the one
	// warning says where the developers' requests about team-a now go.
	good := teamAccount("team-devs", "'"+devsID+"' in get($env, 'groups')", "20")
	resp = post(t, validator(on, fixedCluster(t, live...)), objectReview(t, admissionv1.Create, good, nil, false))
	if !resp.Allowed || len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0], "WFSA-010") ||
		!strings.Contains(resp.Warnings[0], "from argo/argo-developer to team-a/team-devs (requests about team-a)") {
		t.Errorf("fixed delegated account: allowed=%v warnings=%q", resp.Allowed, resp.Warnings)
	}

	for _, u := range []map[string]any{displayName, broken, notAbove} {
		resp := post(t, validator(off, fixedCluster(t, live...)), objectReview(t, admissionv1.Create, u, nil, false))
		if !resp.Allowed || resp.Result == nil || resp.Result.Message != "not guarded by argoguard" || len(resp.Warnings) != 0 {
			t.Errorf("delegation off: team-a account judged: %+v", resp)
		}
	}
}
