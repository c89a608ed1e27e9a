package audit_test

// Test helpers: a direct reader, recorders for Events and log lines, and
// reading reports back from the API server.

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/snapshot"
)

// options are the default options with the report format.
func options(format string) audit.Options {
	o := audit.DefaultOptions()
	o.ReportFormat = format
	return o
}

// liveReader reads the guarded objects with plain GETs, as the CLI does
// (the manager test uses the webhook's informer-backed ClusterReader).
func liveReader(t *testing.T) snapshot.Reader {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &snapshot.ClientReader{Client: cs}
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
	set, err := settingsfile.Load(filepath.Join(repoRoot, guide, "argoguard-settings.yaml"), nil)
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

// metricResults reads argoguard_audit_results from the test's registry
// (-1 when absent).
func metricResults(object, result string) float64 {
	families, err := registry.Gather()
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
