// Package deps lists what a package links, for the tests that keep the
// package graph's boundaries (policy pure, the CLI without the server, the
// webhook without k8s.io/apiserver).
package deps

import (
	"os/exec"
	"strings"
	"testing"
)

// Forbid fails t for each package pattern links (go list -deps) whose
// import path is one of forbidden or below it ("x" forbids x and x/...;
// "x/" only what is below x). must are packages pattern is known to link:
// a listing without them is no listing to judge.
func Forbid(t *testing.T, pattern string, forbidden, must []string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pattern).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pattern, err, out)
	}
	linked := map[string]bool{}
	for _, d := range strings.Fields(string(out)) {
		linked[d] = true
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, strings.TrimSuffix(f, "/")+"/") {
				t.Errorf("%s links %s", pattern, d)
			}
		}
	}
	for _, m := range must {
		if !linked[m] {
			t.Errorf("go list -deps %s lacks %s (%d packages listed): nothing to judge", pattern, m, len(linked))
		}
	}
}
