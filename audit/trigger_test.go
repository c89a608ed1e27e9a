package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

// gatedReader holds each pass at its first read until the test releases
// it; the pass then fails (no cluster), so nothing is written and the
// retry waits for the test's long backoff.
type gatedReader struct {
	entered chan struct{}
	release chan struct{}
}

func (r gatedReader) ConfigMap(ctx context.Context, _, _ string) (*policy.Object, error) {
	r.entered <- struct{}{}
	select {
	case <-r.release:
	case <-ctx.Done():
	}
	return nil, errors.New("no cluster in this test")
}

func (r gatedReader) Secret(context.Context, string, string) (*policy.Object, error) { return nil, nil }

// notifier stands in for the ClusterReader's informer events.
type notifier struct{ subs []func(policy.ObjectRef) }

func (n *notifier) OnChange(f func(policy.ObjectRef)) { n.subs = append(n.subs, f) }

func (n *notifier) changed(ref policy.ObjectRef) {
	for _, f := range n.subs {
		f(ref)
	}
}

// started runs a controller with a recheck and retries far beyond the
// test, so every pass after the first comes from a notification.
func started(t *testing.T) (*Controller, gatedReader, *notifier, *webhook.SettingsStore, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte("mode: audit\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := webhook.LoadSettingsStore(path, nil, time.Hour, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	reader := gatedReader{entered: make(chan struct{}), release: make(chan struct{})}
	changes := &notifier{}
	o := DefaultOptions()
	o.Recheck, o.RetryMin, o.RetryMax = 24*time.Hour, 24*time.Hour, 24*time.Hour
	deps := webhook.Deps{Settings: store, Source: &snapshot.Source{Reader: reader}, Rules: rules.MustNewRegistry(),
		Log: logr.Discard(), Changes: changes}
	c, err := New(deps, nil, nil, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return c, reader, changes, store, path
}

// enter waits for the next pass to reach its read; the deadline only
// guards against a hang.
func enter(t *testing.T, r gatedReader, what string) {
	t.Helper()
	select {
	case <-r.entered:
	case <-time.After(time.Minute):
		t.Fatalf("no pass: %s", what)
	}
}

// A change to a guarded object, or to the settings, starts a pass at once,
// not at the next recheck.
func TestChangeStartsAPass(t *testing.T) {
	_, reader, changes, store, path := started(t)
	enter(t, reader, "the first pass at start")
	reader.release <- struct{}{}

	changes.changed(policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"})
	enter(t, reader, "after a guarded object changed")
	reader.release <- struct{}{}

	if err := os.WriteFile(path, []byte("mode: enforce\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !store.Reload() {
		t.Fatal("the settings change was not loaded")
	}
	enter(t, reader, "after the settings changed")
	reader.release <- struct{}{}
}

// Changes that arrive while a pass runs make one more pass, however many.
func TestBurstOfChangesCoalesces(t *testing.T) {
	c, reader, changes, _, _ := started(t)
	enter(t, reader, "the first pass at start")
	for i := 0; i < 100; i++ {
		changes.changed(policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"})
		c.Notify()
	}
	reader.release <- struct{}{}
	enter(t, reader, "the pass the burst asked for")
	if n := len(c.trigger); n != 0 {
		t.Errorf("%d more passes pending after a burst of 200 notifications; want the one running", n)
	}
	reader.release <- struct{}{}
}
