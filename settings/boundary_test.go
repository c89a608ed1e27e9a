package settings_test

import (
	"os/exec"
	"strings"
	"testing"
)

// policy/ depends on this package: it must read no files itself (the
// settings file and groups file are read by settings/settingsfile).
func TestSettingsReadNoFiles(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, "github.com/argoguard/argoguard/settings").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	imports := strings.Fields(string(out))
	if len(imports) == 0 {
		t.Fatal("go list named no imports; the test would prove nothing")
	}
	for _, imp := range imports {
		switch imp {
		case "os", "io/fs", "path/filepath", "github.com/argoguard/argoguard/settings/settingsfile":
			t.Errorf("settings imports %s", imp)
		}
	}
}
