package cli

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./test/cli -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test ./test/cli -update rewrites it):\n%s", path, got)
	}
}

// The defaulted objects of the guide, as the mutating webhook would store
// them: only missing fields added, the user's content kept.
func TestApplyDefaultsGolden(t *testing.T) {
	for _, variant := range []string{"as-written", "fixed"} {
		t.Run(variant, func(t *testing.T) {
			r := run(t, "", "check", filepath.Join(guideDir, variant), "--settings", settings, "--now", now, "--apply-defaults")
			if r.code == 2 {
				t.Fatalf("exit 2: %s", r.stderr)
			}
			golden(t, "apply-defaults-"+variant+".yaml", r.stdout)
		})
	}
}

func TestOutputYAML(t *testing.T) {
	r := run(t, "", "check", filepath.Join(guideDir, "as-written"), "--settings", settings, "--now", now, "-o", "yaml")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep report
	if err := yaml.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	var asJSON report
	asJSON, _ = checkJSON(t, "", filepath.Join(guideDir, "as-written"))
	if !eq(byObject(rep), byObject(asJSON)) {
		t.Errorf("yaml and json disagree")
	}
}
