// Package guidetest reads the configuration of the guide this project grew
// from (test/testdata/guide), the fixture most tests judge, for tests in
// any package.
package guidetest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

// Dir is the guide's folder.
func Dir() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "test", "testdata", "guide")
}

// Settings are the guide's argoguard settings.
func Settings(t testing.TB) *settings.Settings {
	t.Helper()
	s, err := settingsfile.Load(filepath.Join(Dir(), "argoguard-settings.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ConfigMap reads one ConfigMap of the guide's variant (as-written or
// fixed).
func ConfigMap(t testing.TB, variant, file string) *policy.Object {
	t.Helper()
	o, err := manifest.ReadConfigMap(filepath.Join(Dir(), variant, file))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// SecretCopied writes the as-written manifests into a new folder and
// returns it, with argocd-sso-secret also copied into namespace argo under
// copyName: the guide's advice for the Workflows client Secret.
func SecretCopied(t testing.TB, copyName string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(Dir(), "as-written")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if e.Name() == "argocd-sso-secret.yaml" {
			copied := strings.Replace(string(b), "namespace: argocd", "namespace: argo", 1)
			if err := os.WriteFile(filepath.Join(dir, copyName), []byte(copied), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}
