package webhook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/argoguard/argoguard/settings"
)

// TestReloadRefusesMovedGuardedObjects: a reload that would guard other
// namespaces or names is refused (RBAC and webhook filters name them), the
// last good settings stay, and the refusal is on /metrics and reported
// once, with the path, to OnReject (the Event).
func TestReloadRefusesMovedGuardedObjects(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "mount")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeVolume(t, dir, "1", "mode: enforce\n")
	store, err := LoadSettingsStore(filepath.Join(dir, "settings.yaml"), catalogue.Known, 0, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	var rejected []string
	store.OnReject(func(err error) { rejected = append(rejected, err.Error()) })
	before := metricValue(settingsRejections)

	writeVolume(t, dir, "2", "mode: audit\nargocd: {namespace: gitops}\n")
	for range 3 { // every poll re-reads the file; one report
		if store.Reload() {
			t.Fatal("a reload moving the guarded namespace was applied")
		}
	}
	if cur := store.Current(); cur.ArgoCD.Namespace != "argocd" || cur.Mode != settings.ModeEnforce {
		t.Fatalf("the last good settings are not in force: %+v", cur.ArgoCD)
	}
	if len(rejected) != 1 || !strings.Contains(rejected[0], "argocd.namespace") || !strings.Contains(rejected[0], "restart") {
		t.Fatalf("rejections reported: %q", rejected)
	}
	if got := metricValue(settingsRejected); got != 1 {
		t.Errorf("argoguard_settings_rejected = %v while the file is refused", got)
	}
	if got := metricValue(settingsRejections) - before; got != 1 {
		t.Errorf("argoguard_settings_rejections_total grew by %v, want 1", got)
	}

	writeVolume(t, dir, "3", "mode: audit\n")
	if !store.Reload() || store.Current().Mode != settings.ModeAudit {
		t.Fatal("a good file after a refused one was not applied")
	}
	if got := metricValue(settingsRejected); got != 0 {
		t.Errorf("argoguard_settings_rejected = %v after a good file", got)
	}
}

// TestReloadRefusesUnknownRule: an override of a rule that does not exist
// (a typo) refuses the file on start and on reload, with every problem.
func TestReloadRefusesUnknownRule(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("rules: {RBAC-01O: warn}\n")
	if _, err := LoadSettingsStore(path, catalogue.Known, 0, logr.Discard()); err == nil || !strings.Contains(err.Error(), "rules[RBAC-01O]") {
		t.Fatalf("start with an unknown rule ID: %v", err)
	}
	write("rules: {RBAC-010: warn}\n")
	store, err := LoadSettingsStore(path, catalogue.Known, 0, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	var rejected []string
	store.OnReject(func(err error) { rejected = append(rejected, err.Error()) })
	write("rules: {RBAC-010: audit, DEX-7: deny}\nmode: on\n")
	if store.Reload() || store.Current().Rules["RBAC-010"] != "warn" {
		t.Fatal("a file with an unknown rule ID was applied")
	}
	if len(rejected) != 1 || !strings.Contains(rejected[0], "rules[DEX-7]") || !strings.Contains(rejected[0], "mode") {
		t.Fatalf("want both problems in one report, got %q", rejected)
	}
}

func TestTruncateNote(t *testing.T) {
	long := strings.Repeat("é", maxEventNote)
	got := truncateNote(long)
	if len(got) > maxEventNote || !strings.HasSuffix(got, "(see the argoguard log)") || !strings.HasPrefix(got, "é") {
		t.Fatalf("note of %d bytes: %q…", len(got), got[:20])
	}
	if truncateNote("short") != "short" {
		t.Fatal("a short note was changed")
	}
}

// metricValue reads a gauge or counter as /metrics would show it.
func metricValue(m prometheus.Metric) float64 {
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		panic(err)
	}
	if out.Gauge != nil {
		return out.Gauge.GetValue()
	}
	return out.Counter.GetValue()
}
