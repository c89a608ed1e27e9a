package main

import (
	"testing"

	"github.com/argoguard/argoguard/internal/deps"
)

// TestWebhookLinksNoAPIServerLibrary: the webhook asks kube-apiserver's
// reviews itself (metricsauth); k8s.io/apiserver would bring CEL, gRPC
// and OpenTelemetry into a binary whose resident memory has a target
// (docs/benchmarks.md).
func TestWebhookLinksNoAPIServerLibrary(t *testing.T) {
	deps.Forbid(t, ".",
		[]string{"k8s.io/apiserver", "github.com/google/cel-go", "google.golang.org/grpc", "go.opentelemetry.io/"},
		[]string{"github.com/argoguard/argoguard/metricsauth", "sigs.k8s.io/controller-runtime/pkg/webhook/admission"})
}
