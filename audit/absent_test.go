package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

// A guarded ConfigMap deleted in audit mode (the webhook only warns there)
// leaves a report entry a reviewer finds: the report of the absent object,
// with GUARD-001 failing and no owner to be deleted with; restoring the
// ConfigMap adopts the report and turns GUARD-001 to pass.
func TestAbsentGuardedObjectIsReported(t *testing.T) {
	needEnv(t)
	ctx := context.Background()
	applyDir(t, guide+"/fixed")
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &snapshot.Source{Reader: liveReader(t)}, Rules: rules.MustNewRegistry(), Log: logr.Discard()}
	c, err := audit.New(deps, k8s, k8s, &eventLog{}, options(report.FormatPolicyReport))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "argocd", Name: "argocd-rbac-cm"}}
	if err := k8s.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { applyDir(t, guide+"/fixed") })
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	pr, ok := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)["argocd-rbac-cm"]
	if !ok {
		t.Fatal("no PolicyReport for the deleted argocd-rbac-cm")
	}
	if owner := pr.Metadata.Labels["test/owner"]; owner != "" {
		t.Errorf("the absent object's report has an owner %s (it would be garbage-collected)", owner)
	}
	var absence string
	for _, r := range pr.Results {
		if r.Rule == "GUARD-001" && r.Result == report.ResultFail {
			absence = r.Message
		}
	}
	if !strings.Contains(absence, "argocd-rbac-cm is absent") || !strings.Contains(absence, "built-in policy") {
		t.Errorf("no GUARD-001 failure saying argocd-rbac-cm is absent: %v", results(pr))
	}

	applyDir(t, guide+"/fixed")
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	pr = reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)["argocd-rbac-cm"]
	if !strings.HasPrefix(pr.Metadata.Labels["test/owner"], "ConfigMap/argocd-rbac-cm/") {
		t.Errorf("the restored ConfigMap did not adopt its report: owner %q", pr.Metadata.Labels["test/owner"])
	}
	if hasResult(results(pr), "GUARD-001=fail") {
		t.Errorf("GUARD-001 still fails after the restore: %v", results(pr))
	}
}
