package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCLILinksNoServer: the offline CLI links neither controller-runtime
// nor the metrics stack of the webhook; it reads a cluster through
// snapshot/'s plain clientset reader only.
func TestCLILinksNoServer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	linked := map[string]bool{}
	for _, d := range deps {
		linked[d] = true
		for _, server := range []string{"sigs.k8s.io/controller-runtime", "github.com/prometheus/", "github.com/argoguard/argoguard/webhook"} {
			if strings.HasPrefix(d, server) {
				t.Errorf("argoguard links %s", d)
			}
		}
	}
	// The check above would pass on a failed listing: the CLI does link
	// the packages it is made of.
	for _, want := range []string{"github.com/argoguard/argoguard/snapshot", "github.com/spf13/cobra"} {
		if !linked[want] {
			t.Errorf("go list -deps lacks %s: %d packages listed", want, len(deps))
		}
	}
}
