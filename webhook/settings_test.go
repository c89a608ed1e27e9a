package webhook

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr"

	"github.com/argoguard/argoguard/settings"
)

// writeVolume lays out a settings file the way the kubelet mounts a
// ConfigMap: settings.yaml -> ..data/settings.yaml, ..data -> ..<version>.
func writeVolume(t *testing.T, dir, version, content string) {
	t.Helper()
	vdir := filepath.Join(dir, "..", "vol-"+version)
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vdir, "settings.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "..data_tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(vdir, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil { // the atomic swap
		t.Fatal(err)
	}
	link := filepath.Join(dir, "settings.yaml")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(filepath.Join("..data", "settings.yaml"), link); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSettingsReloadKeepsLastGood(t *testing.T) {
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
	changes := 0
	store.OnChange(func(*settings.Settings) { changes++ })

	if store.Reload() {
		t.Error("unchanged file reported as a change")
	}
	writeVolume(t, dir, "2", "mode: audit\n")
	if !store.Reload() || store.Current().Mode != settings.ModeAudit {
		t.Fatalf("symlink swap not picked up: mode %s", store.Current().Mode)
	}
	writeVolume(t, dir, "3", "mode: sometimes\n")
	if store.Reload() || store.Current().Mode != settings.ModeAudit {
		t.Fatalf("bad file replaced the good settings: mode %s", store.Current().Mode)
	}
	if store.lastErr == "" {
		t.Error("the bad file's error was not recorded for the log")
	}
	writeVolume(t, dir, "4", "mode: enforce\nrules: {RBAC-007: warn}\n")
	if !store.Reload() || store.Current().Rules["RBAC-007"] != "warn" {
		t.Fatal("good file after a bad one not picked up")
	}
	if changes != 2 {
		t.Errorf("OnChange called %d times, want 2", changes)
	}
}

func TestMissingOrBadSettingsRefuseToStart(t *testing.T) {
	if _, err := LoadSettingsStore(filepath.Join(t.TempDir(), "none.yaml"), catalogue.Known, 0, logr.Discard()); err == nil {
		t.Error("missing settings file accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	_ = os.WriteFile(bad, []byte("mode: enforce\nmodes: typo\n"), 0o644)
	if _, err := LoadSettingsStore(bad, catalogue.Known, 0, logr.Discard()); err == nil {
		t.Error("settings with an unknown field accepted")
	}
}

// TestSettingsReloadFollowsTheGroupsFile: unchanged files are skipped, but
// a new groups file, or the settings naming another one, is picked up.
func TestSettingsReloadFollowsTheGroupsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	groups := func(names ...string) string {
		out := `{"Groups":[`
		for i, n := range names {
			if i > 0 {
				out += ","
			}
			out += `{"GroupId":"94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a0` + string(rune('0'+i)) + `","DisplayName":"` + n + `"}`
		}
		return out + "]}"
	}
	write("groups-a.json", groups("devs"))
	write("settings.yaml", "identity:\n  groupsFile: groups-a.json\n")
	store, err := LoadSettingsStore(filepath.Join(dir, "settings.yaml"), catalogue.Known, 0, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	known := func(name string) bool { _, ok := store.Current().GroupByName(name); return ok }
	for i := range 2 {
		if store.Reload() {
			t.Fatalf("poll %d: unchanged files reported as a change", i)
		}
	}
	write("groups-a.json", groups("devs", "ops"))
	if !store.Reload() || !known("ops") {
		t.Fatal("a group added to the groups file was not picked up")
	}
	write("groups-b.json", groups("auditors"))
	write("settings.yaml", "identity:\n  groupsFile: groups-b.json\n")
	if !store.Reload() || !known("auditors") || known("ops") {
		t.Fatal("settings naming another groups file were not picked up")
	}
	write("groups-b.json", groups("auditors", "sre"))
	if !store.Reload() || !known("sre") {
		t.Fatal("a change to the newly named groups file was not picked up")
	}
	if store.Reload() {
		t.Fatal("unchanged files reported as a change")
	}
}
