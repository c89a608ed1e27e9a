package main

import (
	"slices"
	"testing"
)

// TestRuntimeEnvIsTheDeployments: the load test runs argoguard with the Go
// runtime settings the shipped Deployment gives it, and nothing else.
func TestRuntimeEnvIsTheDeployments(t *testing.T) {
	env, err := runtimeEnv("../../deploy/base/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"GOMEMLIMIT=64MiB", "GOGC=300"}
	if !slices.Equal(env, want) {
		t.Fatalf("runtime env %q, want %q (deploy/base/deployment.yaml)", env, want)
	}
	if _, err := runtimeEnv("../../deploy/base/no-such.yaml"); err == nil {
		t.Fatal("a missing Deployment file gave no error")
	}
}
