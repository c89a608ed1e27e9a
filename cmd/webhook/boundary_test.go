package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWebhookLinksNoAPIServerLibrary: the webhook asks kube-apiserver's
// reviews itself (metricsauth); k8s.io/apiserver would bring CEL, gRPC
// and OpenTelemetry into a binary whose resident memory has a target
// (docs/benchmarks.md).
func TestWebhookLinksNoAPIServerLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	linked := map[string]bool{}
	for _, d := range deps {
		linked[d] = true
		for _, heavy := range []string{"k8s.io/apiserver/", "github.com/google/cel-go/", "google.golang.org/grpc", "go.opentelemetry.io/"} {
			if strings.HasPrefix(d, heavy) {
				t.Errorf("the webhook links %s", d)
			}
		}
	}
	// The check above would pass on a failed listing.
	for _, want := range []string{"github.com/argoguard/argoguard/metricsauth", "sigs.k8s.io/controller-runtime/pkg/webhook/admission"} {
		if !linked[want] {
			t.Errorf("go list -deps lacks %s: %d packages listed", want, len(deps))
		}
	}
}
