package main

import (
	"os"
	"path/filepath"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "check", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/argoguard -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test ./cmd/argoguard -update rewrites it):\n%s", path, got)
	}
}

// The defaulted objects of the guide, as the mutating webhook would store
// them: only missing fields added, the user's content kept.
func TestApplyDefaultsGolden(t *testing.T) {
	for _, variant := range []string{"as-written", "fixed"} {
		t.Run(variant, func(t *testing.T) {
			r := cli(t, "", "check", filepath.Join(guideDir, variant), "--settings", guideSettings, "--now", now, "--apply-defaults")
			if r.code == 2 {
				t.Fatalf("exit 2: %s", r.stderr)
			}
			golden(t, "apply-defaults-"+variant+".yaml", r.stdout)
		})
	}
}

func TestOutputYAML(t *testing.T) {
	r := cli(t, "", "check", filepath.Join(guideDir, "as-written"), "--settings", guideSettings, "--now", now, "-o", "yaml")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep checkReport
	if err := yaml.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	var asJSON checkReport
	asJSON, _ = checkJSON(t, "", filepath.Join(guideDir, "as-written"))
	if !eq(byObject(rep), byObject(asJSON)) {
		t.Errorf("yaml and json disagree")
	}
}
