package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/webhook"
	"github.com/argoguard/argoguard/webhook/audit"
)

const guide = "test/testdata/guide"

var guarded = []struct{ namespace, name string }{
	{"argocd", "argocd-cm"}, {"argocd", "argocd-rbac-cm"}, {"argo", "workflow-controller-configmap"},
}

// directReader reads the guarded objects with plain GETs (the manager test
// uses the webhook's informer-backed ClusterReader).
type directReader struct{ c client.Client }

func (r directReader) ConfigMap(ctx context.Context, ns, name string) (*policy.Object, error) {
	var cm corev1.ConfigMap
	if err := r.c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &cm); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return webhook.ConfigMapObject(&cm), nil
}

func (r directReader) Secret(ctx context.Context, ns, name string) (*policy.Object, error) {
	var s corev1.Secret
	if err := r.c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return webhook.SecretObject(&s), nil
}

// eventLog records the Events the controller emits.
type eventLog struct {
	mu     sync.Mutex
	events []string // "name type reason: note"
}

func (l *eventLog) Eventf(regarding, _ runtime.Object, eventtype, reason, _ string, note string, args ...interface{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	name := regarding.(*corev1.ConfigMap).Name
	l.events = append(l.events, fmt.Sprintf("%s %s %s: %s", name, eventtype, reason, fmt.Sprintf(note, args...)))
}

func (l *eventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

// logLines captures the controller's log.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, prefix+" "+args)
	}, funcr.Options{})
}

func (l *logLines) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func auditSettings(t *testing.T) *settings.Settings {
	t.Helper()
	set, err := settings.Load(filepath.Join(repoRoot, guide, "argoguard-settings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	set.Mode = settings.ModeAudit
	return set
}

// reports reads the reports of one kind for the three guarded objects.
func reports(t *testing.T, apiVersion, kind string) map[string]report.PolicyReport {
	t.Helper()
	out := map[string]report.PolicyReport{}
	for _, g := range guarded {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		err := k8s.Get(context.Background(), client.ObjectKey{Namespace: g.namespace, Name: "argoguard-" + g.name}, u)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(u.Object)
		var pr report.PolicyReport
		if err := json.Unmarshal(raw, &pr); err != nil {
			t.Fatal(err)
		}
		// Keep the server's identity for in-place checks.
		pr.Metadata.Labels["test/uid"] = string(u.GetUID())
		pr.Metadata.Labels["test/resourceVersion"] = u.GetResourceVersion()
		if refs := u.GetOwnerReferences(); len(refs) == 1 {
			pr.Metadata.Labels["test/owner"] = refs[0].Kind + "/" + refs[0].Name + "/" + string(refs[0].UID)
		}
		out[g.name] = pr
	}
	return out
}

// results lists "RULE=result@line" for every result of a report.
func results(pr report.PolicyReport) []string {
	var out []string
	for _, r := range pr.Results {
		s := r.Rule + "=" + r.Result
		if l := r.Properties["line"]; l != "" {
			s += "@" + l
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkConsistent: scope, owner and summary agree with the object and the
// results.
func checkConsistent(t *testing.T, name string, pr report.PolicyReport) {
	t.Helper()
	var cm corev1.ConfigMap
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: pr.Metadata.Namespace, Name: name}, &cm); err != nil {
		t.Fatal(err)
	}
	if pr.Scope.Kind != "ConfigMap" || pr.Scope.Name != name || pr.Scope.UID != string(cm.UID) {
		t.Errorf("%s: scope %+v", name, pr.Scope)
	}
	if want := "ConfigMap/" + name + "/" + string(cm.UID); pr.Metadata.Labels["test/owner"] != want {
		t.Errorf("%s: owner %q, want %q (the report must go when the ConfigMap goes)", name, pr.Metadata.Labels["test/owner"], want)
	}
	var sum report.ReportSummary
	for _, r := range pr.Results {
		if r.Source != "argoguard" {
			t.Errorf("%s: result source %q", name, r.Source)
		}
		switch r.Result {
		case "pass":
			sum.Pass++
		case "fail":
			sum.Fail++
		case "warn":
			sum.Warn++
		case "skip":
			sum.Skip++
		}
	}
	if sum != pr.Summary {
		t.Errorf("%s: summary %+v, results count %+v", name, pr.Summary, sum)
	}
}

// expectedAsWritten is expected-findings.md for the rules the catalogue
// has (the SSO rules land separately; a rule not registered is not asked).
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
	rule, ok := rules.Registry().Rule(id)
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
	ctx := context.Background()
	applyDir(t, guide+"/as-written")
	events := &eventLog{}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &webhook.SnapshotSource{Reader: directReader{k8s}}, Log: logr.Discard()}
	c, err := audit.New(deps, k8s, k8s, events, audit.Options{ReportFormat: report.FormatPolicyReport, Resync: time.Hour, Poll: time.Second})
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
	if !has(ev, "argocd-rbac-cm Warning FindingsChanged: argoguard: 4 fail, 5 warn (RBAC-004, RBAC-007, RBAC-014); see PolicyReport argoguard-argocd-rbac-cm") {
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

// hasResult matches "RULE=result" (any line) or "RULE=result@line".
func hasResult(list []string, want string) bool {
	for _, x := range list {
		if x == want || (!strings.Contains(want, "@") && strings.HasPrefix(x, want+"@")) {
			return true
		}
	}
	return false
}

func anyPrefix(list []string, p string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// TestAuditOpenReportsWithoutThenWithCRD: without the CRD the controller
// logs once and carries on; once the CRD is installed, Reports appear.
func TestAuditOpenReportsWithoutThenWithCRD(t *testing.T) {
	ctx := context.Background()
	applyDir(t, guide+"/as-written")
	logs := &logLines{}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &webhook.SnapshotSource{Reader: directReader{k8s}}, Log: logs.logger()}
	c, err := audit.New(deps, k8s, k8s, nil, audit.Options{ReportFormat: report.FormatOpenReports, Resync: time.Hour, Poll: time.Second})
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
	for _, o := range []audit.Options{
		{ReportFormat: "sarif", Resync: time.Hour, Poll: time.Second},
		{ReportFormat: report.FormatPolicyReport, Resync: 0, Poll: time.Second},
		{ReportFormat: report.FormatPolicyReport, Resync: time.Hour, Poll: -1},
	} {
		if _, err := audit.New(deps, nil, nil, nil, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// TestAuditInManager runs the controller as the webhook does: in a manager
// with leader election, reading through the webhook's ClusterReader, the
// settings from a file that changes, real Events.
func TestAuditInManager(t *testing.T) {
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
	store, err := webhook.LoadSettingsStore(settingsPath, 100*time.Millisecond, logr.Discard())
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
	deps := webhook.Deps{Settings: store, Source: &webhook.SnapshotSource{Reader: reader}, Log: logr.Discard()}
	if err := audit.AddWithOptions(mgr, deps, audit.Options{ReportFormat: report.FormatPolicyReport, Resync: time.Hour, Poll: 100 * time.Millisecond}); err != nil {
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

// metricResults reads argoguard_audit_results from the registry /metrics
// serves (-1 when absent).
func metricResults(object, result string) float64 {
	families, err := crmetrics.Registry.Gather()
	if err != nil {
		panic(err)
	}
	for _, f := range families {
		if f.GetName() != "argoguard_audit_results" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["object"] == object && labels["result"] == result {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}
