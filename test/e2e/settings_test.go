package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

// A break-glass requester (a group of the settings' breakGlass) gets what
// would be denied, with the findings as warnings and one saying so; the
// decision is logged with the requester. Anyone else is still denied.
func TestBreakGlassRequesterIsAllowedWithAWarning(t *testing.T) {
	c := fresh(t)
	path, err := writeSettingsVariant(enforceSettings, t.TempDir(), func(s string) (string, error) {
		return withBreakGlass(s, "platform-oncall")
	})
	if err != nil {
		t.Fatal(err)
	}
	useSettings(t, c, path)
	oncall, err := c.AddUser("alice", "system:masters", "platform-oncall")
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.AddUser("bob", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	file := guide("as-written", "argocd-rbac-cm.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	denied := c.KubectlAs(ctx, other, "apply", "-f", file)
	t.Logf("bob: %s", denied)
	if denied.ExitCode == 0 || getConfigMap(t, "argocd", "argocd-rbac-cm") != nil {
		t.Fatalf("bob (no break-glass group) was not denied")
	}
	allowed := c.KubectlAs(ctx, oncall, "apply", "-f", file)
	t.Logf("alice: %s", allowed)
	if allowed.Err != nil {
		t.Fatalf("alice (group platform-oncall) was denied")
	}
	ws := strings.Join(warnings(allowed), "\n")
	if !strings.Contains(ws, "break-glass") {
		t.Errorf("no warning says the change went through by break-glass:\n%s", ws)
	}
	requireContainsIDs(t, "break-glass warnings", ruleIDs(ws), "RBAC-004", "RBAC-007")
	if getConfigMap(t, "argocd", "argocd-rbac-cm") == nil {
		t.Errorf("alice's change was not stored")
	}
	logged := false
	for _, line := range strings.Split(c.LogTail(200), "\n") {
		if strings.Contains(line, `"user":"alice"`) && strings.Contains(line, "platform-oncall") {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no log line names alice and the break-glass group")
	}
}

// The settings file is re-read while the webhook runs: a change of mode
// takes effect without a restart; a bad file is rejected with its error in
// the log and the last good settings stay in force.
func TestSettingsReloadWithoutRestart(t *testing.T) {
	c := fresh(t)
	dir := t.TempDir()
	path, original := startWithReloadableSettings(t, c, dir, "(reload test)")

	// Written as ConfigMap volumes are updated: a new file renamed over.
	write := func(content string) {
		t.Helper()
		tmp := filepath.Join(dir, ".settings.tmp")
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	file := guide("as-written", "argocd-rbac-cm.yaml")
	dryRunExit := func() int { return kubectl(t, "apply", "--dry-run=server", "-f", file).ExitCode }
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("%s: not within a minute", what)
	}

	if dryRunExit() == 0 {
		t.Fatal("enforce mode allowed the guide's argocd-rbac-cm")
	}
	audit := strings.Replace(string(original), "\nmode: enforce\n", "\nmode: audit\n", 1)
	write(audit)
	waitFor("audit mode taking effect", func() bool { return dryRunExit() == 0 })

	write(strings.Replace(audit, "\nmode: audit\n", "\nmode: block\n", 1))
	waitFor("the bad file being rejected in the log", func() bool {
		return strings.Contains(c.LogTail(50), "settings file rejected") && strings.Contains(c.LogTail(50), `\"block\"`)
	})
	if dryRunExit() != 0 {
		t.Errorf("after a bad settings file, the last good settings (audit) are no longer in force")
	}

	write(string(original))
	waitFor("enforce mode coming back", func() bool { return dryRunExit() != 0 })
}

// startWithReloadableSettings starts the webhook on a copy of the enforce
// settings in dir, polled every 200ms, and returns its path and content; the
// suite's settings come back when the test ends.
func startWithReloadableSettings(t *testing.T, c *cluster.Cluster, dir, label string) (string, []byte) {
	t.Helper()
	path, err := writeSettingsVariant(enforceSettings, dir, func(s string) (string, error) { return s, nil })
	if err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartWebhook(context.Background(), path, "--settings-poll-interval=200ms"); err != nil {
		t.Fatal(err)
	}
	currentSettings = path + " " + label
	t.Cleanup(func() { useSettings(t, c, enforceSettings) })
	return path, original
}
