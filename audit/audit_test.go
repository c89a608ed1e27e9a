package audit_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

const guide = "test/testdata/guide"

var guarded = []struct{ namespace, name string }{
	{"argocd", "argocd-cm"}, {"argocd", "argocd-rbac-cm"}, {"argo", "workflow-controller-configmap"},
}

// Each entry is "RULE" or "RULE@line"; the result expected is fail for a
// rule whose action is deny, warn otherwise.
var expectedAsWritten = map[string][]string{
	"argocd-cm":                     {"ACD-005", "ACD-009"},
	"argocd-rbac-cm":                {"RBAC-007@1", "RBAC-007@4", "RBAC-007@5", "RBAC-004@6", "RBAC-014@1"},
	"workflow-controller-configmap": {"WF-003", "WF-004", "WF-006"},
}

// expectResult turns "RULE@line" into "RULE=fail@line" (or warn) from the
// rule's action; ok is false for a rule the catalogue does not have.
func expectResult(entry string) (string, bool) {
	id, line, _ := strings.Cut(entry, "@")
	rule, ok := rules.MustNewRegistry().Rule(id)
	if !ok {
		return "", false
	}
	res := id + "=warn"
	if rule.Action == policy.ActionDeny {
		res = id + "=fail"
	}
	if line != "" {
		res += "@" + line
	}
	return res, true
}

func TestAuditReportsGuideThenFix(t *testing.T) {
	needEnv(t)
	ctx := context.Background()
	applyDir(t, guide+"/as-written")
	events := &eventLog{}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &snapshot.Source{Reader: liveReader(t)}, Rules: rules.MustNewRegistry(), Log: logr.Discard()}
	c, err := audit.New(deps, k8s, k8s, events, options(report.FormatPolicyReport))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }

	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)
	if len(got) != 3 {
		t.Fatalf("want a PolicyReport for each of the three objects, got %d", len(got))
	}
	for name, pr := range got {
		checkConsistent(t, name, pr)
		res := results(pr)
		for _, entry := range expectedAsWritten[name] {
			if want, ok := expectResult(entry); ok && !hasResult(res, want) {
				t.Errorf("%s: no result %s in %v", name, want, res)
			}
		}
		for _, r := range pr.Results {
			if r.Timestamp.Seconds != now.Unix() {
				t.Errorf("%s: result timestamp %v, want the controller's clock", name, r.Timestamp)
			}
		}
	}
	if n := metricResults("argocd/argocd-rbac-cm", "fail"); n != 4 {
		t.Errorf("argoguard_audit_results{object=argocd/argocd-rbac-cm,result=fail} = %v, want 4", n)
	}
	if rb := got["argocd-rbac-cm"]; rb.Summary.Fail != 4 { // RBAC-007 and RBAC-004 deny
		t.Errorf("argocd-rbac-cm: summary %+v; want 4 fail (RBAC-007 x3, RBAC-004)", rb.Summary)
	}
	ev := events.take()
	if !has(ev, "argocd-rbac-cm Warning FindingsChanged: argoguard: 4 fail, 1 warn (RBAC-004, RBAC-007, RBAC-014); see PolicyReport argoguard-argocd-rbac-cm") {
		t.Errorf("no FindingsChanged event on argocd-rbac-cm: %v", ev)
	}

	// Nothing changed: nothing is rewritten and no event repeats.
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	again := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)
	for name := range got {
		if again[name].Metadata.Labels["test/resourceVersion"] != got[name].Metadata.Labels["test/resourceVersion"] {
			t.Errorf("%s: rewritten without a change", name)
		}
	}
	if ev := events.take(); len(ev) != 0 {
		t.Errorf("events without a change: %v", ev)
	}

	// A change that changes no finding (a banner in argocd-cm): the pass
	// runs, and leaves every report as it is.
	var acm corev1.ConfigMap
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: "argocd", Name: "argocd-cm"}, &acm); err != nil {
		t.Fatal(err)
	}
	acm.Data["ui.bannercontent"] = "maintenance on Friday"
	if err := k8s.Update(ctx, &acm); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute) // new timestamps would make any rewrite visible
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	unchanged := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)
	for name := range got {
		if unchanged[name].Metadata.Labels["test/resourceVersion"] != got[name].Metadata.Labels["test/resourceVersion"] {
			t.Errorf("%s: rewritten although its findings did not change", name)
		}
	}
	if ev := events.take(); len(ev) != 0 {
		t.Errorf("events without a change of findings: %v", ev)
	}

	// The fix: the same reports, updated in place, turn to pass.
	applyDir(t, guide+"/fixed")
	now = now.Add(time.Minute)
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	fixed := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)
	if n := metricResults("argocd/argocd-rbac-cm", "fail"); n != 0 {
		t.Errorf("after the fix argoguard_audit_results{result=fail} = %v, want 0", n)
	}
	for name, pr := range fixed {
		checkConsistent(t, name, pr)
		if pr.Metadata.Labels["test/uid"] != got[name].Metadata.Labels["test/uid"] {
			t.Errorf("%s: a new report object instead of an update in place", name)
		}
		if pr.Summary.Fail != 0 {
			t.Errorf("%s: after the fix %d results still fail: %v", name, pr.Summary.Fail, results(pr))
		}
		for _, r := range pr.Results {
			if r.Result == "warn" && r.Properties["action"] != "audit" {
				t.Errorf("%s: after the fix a warn finding remains: %s %s", name, r.Rule, r.Message)
			}
		}
		res := results(pr)
		for _, was := range expectedAsWritten[name] {
			id, _, _ := strings.Cut(was, "@")
			if _, ok := expectResult(was); ok && !has(res, id+"=pass") {
				t.Errorf("%s: %s did not turn to pass: %v", name, id, res)
			}
		}
	}
	ev = events.take()
	if !has(ev, "argocd-rbac-cm Normal FindingsCleared: argoguard: no findings any more (21 rules pass); see PolicyReport argoguard-argocd-rbac-cm") &&
		!anyPrefix(ev, "argocd-rbac-cm Normal FindingsCleared") {
		t.Errorf("no FindingsCleared event on argocd-rbac-cm after the fix: %v", ev)
	}

	// Resync: rewritten (fresh timestamps), no event.
	now = now.Add(2 * time.Hour)
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	resynced := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind)
	for name, pr := range resynced {
		if pr.Metadata.Labels["test/resourceVersion"] == fixed[name].Metadata.Labels["test/resourceVersion"] {
			t.Errorf("%s: not rewritten on resync", name)
		}
		if len(pr.Results) > 0 && pr.Results[0].Timestamp.Seconds != now.Unix() {
			t.Errorf("%s: timestamp not refreshed on resync", name)
		}
	}
	if ev := events.take(); len(ev) != 0 {
		t.Errorf("events on a resync without a change: %v", ev)
	}
}

// TestAuditOpenReportsWithoutThenWithCRD: without the CRD the controller
// logs once and carries on; once the CRD is installed, Reports appear.
func TestAuditOpenReportsWithoutThenWithCRD(t *testing.T) {
	needEnv(t)
	ctx := context.Background()
	applyDir(t, guide+"/as-written")
	logs := &logLines{}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &snapshot.Source{Reader: liveReader(t)}, Rules: rules.MustNewRegistry(), Log: logs.logger()}
	c, err := audit.New(deps, k8s, k8s, nil, options(report.FormatOpenReports))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := c.Sync(ctx); err != nil {
			t.Fatalf("pass %d without the CRD: %v (the controller must carry on)", i, err)
		}
	}
	if n := logs.count("report CRD not installed"); n != 1 {
		t.Errorf("logged the missing CRD %d times, want once", n)
	}
	if _, err := envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{
		Paths: []string{filepath.Join(repoRoot, "deploy/crds/openreports.io_reports.yaml")}, ErrorIfPathMissing: true,
	}); err != nil {
		t.Fatal(err)
	}
	// A fresh client: the test's own REST mapper has cached the miss too.
	var got map[string]report.PolicyReport
	for i := 0; i < 50; i++ {
		if err := c.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got = reports(t, report.OpenReportsAPIVersion, report.OpenReportsKind); len(got) == 3 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(got) != 3 {
		t.Fatalf("after installing the CRD: %d Reports, want 3", len(got))
	}
	for name, pr := range got {
		checkConsistent(t, name, pr)
		if pr.Source != "argoguard" {
			t.Errorf("%s: Report source %q", name, pr.Source)
		}
	}
	if logs.count("report CRD found") != 1 {
		t.Error("no log line saying reports are written again")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	deps := webhook.Deps{Log: logr.Discard()}
	bad := func(change func(*audit.Options)) audit.Options {
		o := audit.DefaultOptions()
		change(&o)
		return o
	}
	for _, o := range []audit.Options{
		bad(func(o *audit.Options) { o.ReportFormat = "sarif" }),
		bad(func(o *audit.Options) { o.Resync = 0 }),
		bad(func(o *audit.Options) { o.Recheck = -1 }),
		bad(func(o *audit.Options) { o.RetryMin = 0 }),
		bad(func(o *audit.Options) { o.RetryMax = o.RetryMin / 2 }),
	} {
		if _, err := audit.New(deps, nil, nil, nil, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
