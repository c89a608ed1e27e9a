package webhook

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// blockingEvaluator runs the real rules once the test lets an evaluation
// go, and records how many evaluations ran at once.
type blockingEvaluator struct {
	entered chan struct{}
	release chan struct{}
	now     atomic.Int64
	peak    atomic.Int64
}

func (b *blockingEvaluator) EvaluateOnly(s *policy.Snapshot, ids map[string]bool) ([]policy.Finding, error) {
	n := b.now.Add(1)
	defer b.now.Add(-1)
	for {
		p := b.peak.Load()
		if n <= p || b.peak.CompareAndSwap(p, n) {
			break
		}
	}
	b.entered <- struct{}{}
	<-b.release
	return catalogue.EvaluateOnly(s, ids)
}

// waitFor yields until cond holds (no timing: the test's own timeout
// catches a cond that never holds).
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

func gatedValidator(t *testing.T, gate *Gate, eval Evaluator) http.Handler {
	set := guideSettings(t)
	v := &Validator{Rules: eval, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: guideCluster(t, "fixed")},
		Log: logr.Discard()}
	return GatedHandler(v, logr.Discard(), DefaultMaxRequestBytes, gate)
}

// TestGateCapsConcurrentEvaluations: with a cap of N, N+1 admissions sent
// at once are evaluated at most N at a time; the last waits unread and is
// answered once a slot frees.
func TestGateCapsConcurrentEvaluations(t *testing.T) {
	const n = 2
	gate := NewGate(n)
	b := &blockingEvaluator{entered: make(chan struct{}, 2*(n+1)), release: make(chan struct{})}
	h := gatedValidator(t, gate, b)
	body := reviewJSON(t, reviewOpts{op: admissionv1.Create, object: guideConfigMap(t, "fixed", "argocd-cm.yaml")})

	answers := make([]*admissionv1.AdmissionResponse, n+1)
	var wg sync.WaitGroup
	for i := range n + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = post(t, h, body)
		}()
	}
	for range n {
		<-b.entered
	}
	// Either the last admission waits, or (without a cap) it is evaluated.
	waitFor(func() bool { return gate.Waiting() == 1 || b.now.Load() > n })
	if got := b.now.Load(); got != n {
		t.Fatalf("%d evaluations run while one admission waits, want %d", got, n)
	}
	if gate.Running() != n {
		t.Fatalf("gate holds %d admissions, want %d", gate.Running(), n)
	}
	close(b.release) // every evaluation may finish now
	wg.Wait()
	if p := b.peak.Load(); p > n {
		t.Errorf("%d evaluations ran at once with a cap of %d", p, n)
	}
	for i, a := range answers {
		if !a.Allowed {
			t.Errorf("admission %d refused: %v", i, a.Result)
		}
	}
	if gate.Running() != 0 || gate.Waiting() != 0 {
		t.Errorf("after the answers: %d running, %d waiting", gate.Running(), gate.Waiting())
	}
}

// TestGateWaitEndsWithTheRequest: an admission waiting for a slot whose
// request context ends (the API server gave up, or the wait's deadline
// passed) is answered with the gate's error, not evaluated.
func TestGateWaitEndsWithTheRequest(t *testing.T) {
	gate := NewGate(1)
	b := &blockingEvaluator{entered: make(chan struct{}, 4), release: make(chan struct{})}
	h := gatedValidator(t, gate, b)
	body := reviewJSON(t, reviewOpts{op: admissionv1.Create, object: guideConfigMap(t, "fixed", "argocd-cm.yaml")})

	first := make(chan *admissionv1.AdmissionResponse)
	go func() { first <- post(t, h, body) }()
	<-b.entered

	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodPost, "/validate?timeout=5s", bytes.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	waitFor(func() bool { return gate.Waiting() == 1 })
	cancel()
	<-done
	if s := rec.Body.String(); !strings.Contains(s, "--max-concurrent-admissions") || !strings.Contains(s, `"allowed":false`) {
		t.Errorf("the waiting admission's answer does not name the cap:\n%s", s)
	}
	if b.peak.Load() != 1 {
		t.Errorf("the waiting admission was evaluated")
	}
	close(b.release)
	if a := <-first; !a.Allowed {
		t.Errorf("the admission holding the slot was refused: %v", a.Result)
	}
	if gate.Running() != 0 || gate.Waiting() != 0 {
		t.Errorf("after the answers: %d running, %d waiting", gate.Running(), gate.Waiting())
	}
}

// TestSlotWaitIsHalfTheTimeout: the wait for a slot ends at half the
// timeout the API server sends, so the evaluation has the other half.
func TestSlotWaitIsHalfTheTimeout(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want time.Duration
	}{
		{"/validate?timeout=5s", 2500 * time.Millisecond},
		{"/validate?timeout=30s", 15 * time.Second},
		{"/validate", 5 * time.Second},
		{"/validate?timeout=bogus", 5 * time.Second},
		{"/validate?timeout=-1s", 5 * time.Second},
	} {
		if got, _ := slotWait(httptest.NewRequest(http.MethodPost, tc.url, nil)); got != tc.want {
			t.Errorf("%s: waits %s, want %s", tc.url, got, tc.want)
		}
	}
}
