package audit_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

// TestAuditInManager runs the controller as the webhook does: in a manager
// with leader election, reading through the webhook's ClusterReader, the
// settings from a file that changes, real Events.
func TestAuditInManager(t *testing.T) {
	needEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	applyDir(t, guide+"/fixed")

	dir := t.TempDir()
	settingsPath := filepath.Join(dir, "settings.yaml")
	base, err := os.ReadFile(filepath.Join(repoRoot, guide, "argoguard-settings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := os.ReadFile(filepath.Join(repoRoot, guide, "aws-groups.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "aws-groups.json"), groups, 0o644); err != nil {
		t.Fatal(err)
	}
	writeSettings := func(extra string) {
		text := strings.Replace(string(base), "mode: enforce", "mode: audit", 1) + extra
		if err := os.WriteFile(settingsPath, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeSettings("")
	store, err := webhook.LoadSettingsStore(settingsPath, rules.MustNewRegistry().Known, 100*time.Millisecond, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}

	mgr, err := manager.New(cfg, manager.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress:  "0",
		LeaderElection:          true,
		LeaderElectionID:        "argoguard-audit-test",
		LeaderElectionNamespace: "default",
	})
	if err != nil {
		t.Fatal(err)
	}
	reader := webhook.NewClusterReader(cfg, scheme, mgr.GetAPIReader())
	if err := reader.Watch(store.Current()); err != nil {
		t.Fatal(err)
	}
	for _, r := range []manager.Runnable{store, reader} {
		if err := mgr.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	deps := webhook.Deps{Settings: store, Source: &snapshot.Source{Reader: reader}, Rules: rules.MustNewRegistry(), Log: logr.Discard(),
		Changes: reader}
	// No recheck within the test: every change below is seen through an
	// informer event or the settings store.
	opts := options(report.FormatPolicyReport)
	opts.Recheck = 24 * time.Hour
	if err := audit.Add(mgr, deps, opts); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()

	// eventually polls the cluster for a condition; the deadline only
	// guards against a hang on a loaded machine.
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("timed out waiting for: %s", what)
	}
	rbacResults := func() []string {
		return results(reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)["argocd-rbac-cm"])
	}
	eventually("argocd-rbac-cm's report passes RBAC-007 (fixed config)", func() bool { return has(rbacResults(), "RBAC-007=pass") })

	// A change to a guarded object is noticed through the informer cache.
	applyFile(t, guide+"/as-written/argocd-rbac-cm.yaml")
	eventually("RBAC-007 fails again after the guide's policy is applied", func() bool { return has(rbacResults(), "RBAC-007=fail@1") })
	eventually("a FindingsChanged Event on argocd-rbac-cm", func() bool {
		var list eventsv1.EventList
		if err := k8s.List(ctx, &list, client.InNamespace("argocd")); err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Items {
			if e.Regarding.Name == "argocd-rbac-cm" && e.Reason == audit.ReasonFindingsChanged && e.Type == corev1.EventTypeWarning {
				return true
			}
		}
		return false
	})

	// A settings change is noticed too: RBAC-014 overridden to deny fails.
	writeSettings("rules:\n  RBAC-014: deny\n")
	eventually("RBAC-014 fails after the settings make it deny", func() bool { return has(rbacResults(), "RBAC-014=fail@1") })

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
