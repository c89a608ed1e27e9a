package main

import (
	"testing"

	"github.com/argoguard/argoguard/internal/deps"
)

// TestCLILinksNoServer: the offline CLI links neither controller-runtime
// nor the metrics stack of the webhook; it reads a cluster through
// snapshot/'s plain clientset reader only.
func TestCLILinksNoServer(t *testing.T) {
	deps.Forbid(t, ".",
		[]string{"sigs.k8s.io/controller-runtime", "github.com/prometheus/", "github.com/argoguard/argoguard/webhook"},
		[]string{"github.com/argoguard/argoguard/snapshot", "github.com/spf13/cobra"})
}
