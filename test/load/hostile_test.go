package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"

	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

func TestMemoryLimitIsTheDeployments(t *testing.T) {
	limit, err := memoryLimit("../../deploy/base/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if limit != 256<<20 {
		t.Fatalf("memory limit %d, want 256 MiB (deploy/base/deployment.yaml)", limit)
	}
}

// TestHostilePhaseAnswersEveryReview runs the hostile-concurrency phase
// against argoguard's real handler behind a cap of two, over TLS: every
// hostile review is answered (the YAML bombs denied, the large policy
// judged, or told to retry after waiting for a slot), and the normal
// review is answered meanwhile.
func TestHostilePhaseAnswersEveryReview(t *testing.T) {
	hostile, err := writeHostileBodies(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range hostile {
		if b.Bytes > webhook.DefaultMaxRequestBytes {
			t.Fatalf("%s: %d bytes, over the webhook's request limit", b.Name, b.Bytes)
		}
	}
	v := webhook.NewValidator(webhook.Deps{Settings: webhook.NewStaticSettings(loadSettings(t)),
		Source: &snapshot.Source{Reader: liveObjects(t, 0)}, Rules: rules.MustNewRegistry(), Log: logr.Discard()}, nil)
	srv := httptest.NewTLSServer(webhook.GatedHandler(v, logr.Discard(), 0, webhook.NewGate(2)))
	defer srv.Close()

	normal := testBodies(t)[0]
	const concurrent = 4
	r := runHostile(context.Background(), srv.Client(), srv.URL+"/validate", hostile, normal, concurrent, 1)
	if len(r.Failures) > 0 {
		t.Errorf("reviews without an answer: %v", r.Failures)
	}
	answered := 0
	for verdict, n := range r.Answers {
		if verdict != "denied" && verdict != "allowed" && verdict != "waited for a slot too long" {
			t.Errorf("%d hostile reviews %s", n, verdict)
		}
		answered += n
	}
	if answered != concurrent {
		t.Errorf("%d hostile answers, want %d", answered, concurrent)
	}
	if r.Normal == 0 || r.NormalFailed > 0 {
		t.Errorf("normal review: %d sent, %d failed", r.Normal, r.NormalFailed)
	}
	if m := r.misses(0, 0, 1<<62); len(m) > 0 {
		t.Errorf("misses: %v", m)
	}
}
