package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A settings reload that moves the guarded objects (or names an unknown
// rule) is refused while argoguard runs: the last good settings stay in
// force, and the refusal is where a platform engineer looks, an Event on
// the settings ConfigMap (kubectl describe) and a gauge on /metrics, so
// that the next restart, which would not start on the file, surprises
// nobody.
func TestSettingsReloadRefusedIsVisible(t *testing.T) {
	c := fresh(t)
	dir := t.TempDir()
	path, original := startWithReloadableSettings(t, c, dir, "(refused reload test)")
	// In a cluster the file changes because its ConfigMap did: each write
	// also gives the ConfigMap a new resourceVersion, which is what tells
	// one refused version's Event from the next.
	edits := 0
	t.Cleanup(func() {
		kubectl(t, "annotate", "configmap", "argoguard-settings", "-n", "argoguard", "e2e.argoguard.io/edit-")
	})
	write := func(content string) {
		t.Helper()
		edits++
		if res := kubectl(t, "annotate", "--overwrite", "configmap", "argoguard-settings", "-n", "argoguard",
			fmt.Sprintf("e2e.argoguard.io/edit=%d", edits)); res.Err != nil {
			t.Fatalf("%s", res)
		}
		tmp := filepath.Join(dir, ".settings.tmp")
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("%s: not within a minute", what)
	}
	describe := func() string {
		return kubectl(t, "describe", "configmap", "argoguard-settings", "-n", "argoguard").Stdout
	}
	rejected := func() float64 { return metrics(t)["argoguard_settings_rejected"] }
	file := guide("as-written", "argocd-rbac-cm.yaml")

	moved := strings.Replace(string(original), "\nmode: enforce\n", "\nmode: audit\n", 1)
	moved = strings.Replace(moved, "  namespace: argocd\n", "  namespace: gitops\n", 1)
	if moved == string(original) {
		t.Fatal("the guide's settings have no argocd namespace line to change")
	}
	write(moved)
	waitFor("an Event on the settings ConfigMap", func() bool {
		out := describe()
		return strings.Contains(out, "SettingsRejected") && strings.Contains(out, "argocd.namespace")
	})
	if got := rejected(); got != 1 {
		t.Errorf("argoguard_settings_rejected = %v while the file is refused", got)
	}
	// Still enforce mode, still guarding argocd: the as-written policy is denied.
	if res := kubectl(t, "apply", "--dry-run=server", "-f", file); res.ExitCode == 0 {
		t.Error("after a refused reload, the last good settings (enforce, namespace argocd) are no longer in force")
	}

	write(strings.Replace(string(original), "\nmode: enforce\n", "\nmode: enforce\nrules: {RBAC-O07: warn}\n", 1))
	waitFor("an Event naming the unknown rule", func() bool { return strings.Contains(describe(), "rules[RBAC-O07]") })

	write(string(original))
	waitFor("the gauge clearing once the file is good again", func() bool { return rejected() == 0 })
}
