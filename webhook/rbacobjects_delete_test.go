package webhook

import (
	"bytes"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// fixedAccounts are the guide's fixed rbac-rule ServiceAccounts.
func fixedAccounts(t *testing.T) []map[string]any {
	var out []map[string]any
	for _, u := range ssoRBACObjects(t, "fixed", "workflows-serviceaccounts.yaml") {
		if u["kind"] == policy.KindServiceAccount {
			out = append(out, u)
		}
	}
	return out
}

// withoutOldObject drops a review's oldObject, as no API server sends it.
func withoutOldObject(body []byte) []byte {
	return bytes.Replace(body, []byte(`"oldObject":{`), []byte(`"oldObject":null,"x":{`), 1)
}

const developersMoveToReadonly = "WFSA-010: group argocd-developers moves from argo-developer to argo-readonly (every known group matches its rule)"

// Deleting the developers' account sends them to the catch-all: the delete
// goes through (it is a warning, in enforce mode too), dry-run or not, and
// says so.
func TestServiceAccountDeleteMovesGroups(t *testing.T) {
	accounts := fixedAccounts(t)
	dev := named(t, accounts, "argo-developer")
	for _, mode := range []settings.Mode{settings.ModeEnforce, settings.ModeAudit} {
		h := validator(withMode(guideSettings(t), mode), fixedCluster(t, accounts...))
		for _, dryRun := range []bool{false, true} {
			resp := post(t, h, objectReview(t, admissionv1.Delete, nil, dev, dryRun))
			if !resp.Allowed {
				t.Fatalf("%s dryRun=%v: delete refused: %s", mode, dryRun, resp.Result.Message)
			}
			if w := strings.Join(resp.Warnings, "\n"); !strings.Contains(w, developersMoveToReadonly) {
				t.Errorf("%s dryRun=%v: no WFSA-010 warning about the developers:\n%s", mode, dryRun, w)
			}
		}
	}
	// The admins' account is above the developers': deleting it moves only
	// the admins, to the catch-all.
	resp := post(t, validator(guideSettings(t), fixedCluster(t, accounts...)), objectReview(t, admissionv1.Delete, nil, named(t, accounts, "argo-admin"), false))
	w := strings.Join(resp.Warnings, "\n")
	if !resp.Allowed || !strings.Contains(w, "WFSA-010: group argocd-admins moves from argo-admin to argo-readonly") || strings.Contains(w, "argocd-developers") {
		t.Errorf("deleting argo-admin: allowed=%v warnings:\n%s", resp.Allowed, w)
	}
}

// The namespace controller deleting the Workflows namespace's accounts is
// let through, with the same warnings.
func TestServiceAccountDeleteByNamespaceController(t *testing.T) {
	accounts := fixedAccounts(t)
	body := objectReview(t, admissionv1.Delete, nil, named(t, accounts, "argo-developer"), false)
	body = bytes.Replace(body, []byte(`"username":"platform-engineer"`), []byte(`"username":"system:serviceaccount:kube-system:namespace-controller"`), 1)
	resp := post(t, validator(guideSettings(t), fixedCluster(t, accounts...)), body)
	if !resp.Allowed || !strings.Contains(strings.Join(resp.Warnings, "\n"), "WFSA-010") {
		t.Errorf("namespace controller's delete: allowed=%v warnings=%q", resp.Allowed, resp.Warnings)
	}
}

// A DELETE without oldObject (no API server sends one) is judged against
// the live object; a ServiceAccount the cluster does not list with the
// rule is not argoguard's business; nothing panics.
func TestRBACObjectDeleteWithoutOldObject(t *testing.T) {
	accounts := fixedAccounts(t)
	h := validator(guideSettings(t), fixedCluster(t, accounts...))
	resp := post(t, h, withoutOldObject(objectReview(t, admissionv1.Delete, nil, named(t, accounts, "argo-developer"), false)))
	w := strings.Join(resp.Warnings, "\n")
	if !resp.Allowed || !strings.Contains(w, "the DELETE carries no oldObject; judged against the live ServiceAccount") || !strings.Contains(w, developersMoveToReadonly) {
		t.Errorf("live account: allowed=%v warnings:\n%s", resp.Allowed, w)
	}
	gone := map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "builder", "namespace": "argo"}}
	resp = post(t, h, withoutOldObject(objectReview(t, admissionv1.Delete, nil, gone, false)))
	if !resp.Allowed || resp.Result == nil || resp.Result.Message != "not guarded by argoguard" {
		t.Errorf("account the cluster does not list: %+v", resp)
	}
	project := ssoRBACObjects(t, "fixed", "appproject-team-a.yaml")[0]
	resp = post(t, validator(guideSettings(t), fixedCluster(t, project)), withoutOldObject(objectReview(t, admissionv1.Delete, nil, project, false)))
	if w := strings.Join(resp.Warnings, "\n"); !resp.Allowed || !strings.Contains(w, "judged against the live AppProject") || !strings.Contains(w, "PROJ-010") {
		t.Errorf("live project: allowed=%v warnings:\n%s", resp.Allowed, w)
	}
}

// Deleting team-a's project revokes what its roles granted: a warning per
// group, the delete goes through.
func TestAppProjectDeleteListsRevokedGrants(t *testing.T) {
	project := ssoRBACObjects(t, "fixed", "appproject-team-a.yaml")[0]
	h := validator(guideSettings(t), fixedCluster(t, project))
	for _, dryRun := range []bool{false, true} {
		resp := post(t, h, objectReview(t, admissionv1.Delete, nil, project, dryRun))
		if !resp.Allowed {
			t.Fatalf("dryRun=%v: delete refused: %s", dryRun, resp.Result.Message)
		}
		w := strings.Join(resp.Warnings, "\n")
		for _, want := range []string{
			"PROJ-010: spec.roles[0].groups[0]: argocd-developers loses role proj:team-a:developer (3 permissions)",
			"PROJ-010: spec.roles[1].groups[0]: security-auditors loses role proj:team-a:auditor (2 permissions)",
		} {
			if !strings.Contains(w, want) {
				t.Errorf("dryRun=%v: no warning %q in:\n%s", dryRun, want, w)
			}
		}
	}
}
