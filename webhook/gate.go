package webhook

// A cap on admissions evaluated at once. Each evaluation holds its
// request body, the decoded objects and the parsed settings values while
// it runs, so a burst of large reviews evaluated together could take the
// pod past its memory limit; with the cap, the excess waits for a slot
// (unread: a waiting request holds no decoded body). Evaluation is
// CPU-bound, so running more at once than the pod has CPUs gains nothing.

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// DefaultMaxConcurrentAdmissions is the default of
// --max-concurrent-admissions: above the CPUs the Deployment gives a pod,
// and within its memory limit at the hostile tests' bound per evaluation.
const DefaultMaxConcurrentAdmissions = 4

// defaultAdmissionTimeout is what the API server waits for an answer when
// a request does not say (admissionregistration's default timeoutSeconds).
const defaultAdmissionTimeout = 10 * time.Second

// Gate lets at most a fixed number of admissions be evaluated at once.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int64
	running atomic.Int64
}

// NewGate returns a gate of n slots (at least one).
func NewGate(n int) *Gate {
	return &Gate{slots: make(chan struct{}, max(n, 1))}
}

// Size is the number of admissions evaluated at once at most.
func (g *Gate) Size() int { return cap(g.slots) }

// Waiting is the number of admissions waiting for a slot now.
func (g *Gate) Waiting() int { return int(g.waiting.Load()) }

// Running is the number of admissions holding a slot now.
func (g *Gate) Running() int { return int(g.running.Load()) }

// GateFullError is the answer to an admission that found no slot before
// its wait ended.
type GateFullError struct {
	Size   int
	Waited time.Duration
	Cause  error // why the wait ended: its deadline, or the caller left
}

func (e *GateFullError) Error() string {
	return fmt.Sprintf("argoguard: %d admissions are being evaluated at once (--max-concurrent-admissions); "+
		"this one waited %s for its turn (%v); retry", e.Size, e.Waited.Round(time.Millisecond), e.Cause)
}

func (e *GateFullError) Unwrap() error { return e.Cause }

// Enter waits for a slot until ctx ends and returns the function that
// gives it back.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	select {
	case g.slots <- struct{}{}:
	default:
		start := time.Now()
		g.waiting.Add(1)
		select {
		case g.slots <- struct{}{}:
			g.waiting.Add(-1)
		case <-ctx.Done():
			g.waiting.Add(-1)
			return nil, &GateFullError{Size: g.Size(), Waited: time.Since(start), Cause: context.Cause(ctx)}
		}
	}
	g.running.Add(1)
	var left atomic.Bool
	return func() {
		if left.CompareAndSwap(false, true) {
			g.running.Add(-1)
			<-g.slots
		}
	}, nil
}

// slotWait is how long an admission waits for a slot: the API server stops
// waiting for the answer after the timeout it sends with the request
// (?timeout=), so the wait takes at most half of it and leaves the rest to
// the evaluation.
func slotWait(r *http.Request) (wait, timeout time.Duration) {
	timeout = defaultAdmissionTimeout
	if d, err := time.ParseDuration(r.URL.Query().Get("timeout")); err == nil && d > 0 {
		timeout = d
	}
	return timeout / 2, timeout
}

// waitContext is the request's context (it ends when the API server goes
// away) ending after slotWait.
func waitContext(r *http.Request) (context.Context, context.CancelFunc) {
	wait, timeout := slotWait(r)
	return context.WithTimeoutCause(r.Context(), wait, fmt.Errorf("half of the API server's %s timeout", timeout))
}
