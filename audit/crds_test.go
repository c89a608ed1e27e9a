package audit_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestChartShipsTheSameCRDs: the Helm chart's crds/ (installed by helm
// before the templates) are byte for byte the ones in deploy/crds.
func TestChartShipsTheSameCRDs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "deploy/crds/*_*.yaml"))
	if err != nil || len(files) != 2 {
		t.Fatalf("deploy/crds: want the two report CRDs, got %v (%v)", files, err)
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(repoRoot, "deploy/helm/argoguard/crds", filepath.Base(f)))
		if err != nil {
			t.Fatalf("the chart lacks %s: %v", filepath.Base(f), err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("deploy/helm/argoguard/crds/%s differs from deploy/crds: copy it again", filepath.Base(f))
		}
	}
}
