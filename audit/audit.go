// Package audit is the background half of argoguard: a leader-elected
// controller that re-checks the live guarded objects and writes one
// PolicyReport (or openreports.io Report) per guarded ConfigMap, in its
// namespace, owned by it and updated in place, with an Event on the
// ConfigMap when its findings change.
//
// A pass runs when a guarded object changes (an event of the webhook's
// per-object informers), when the settings change, after a failed pass
// (with backoff), and every recheck interval, which also catches changes to
// referenced Secrets: those are read by GET, as for admission, and not
// watched. Notifications that arrive during a pass coalesce into one more
// pass. The snapshot comes from the same code path the admission handlers
// use.
package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/webhook"
)

// Options configure the controller (cmd/webhook fills them from its flags).
type Options struct {
	// ReportFormat is report.FormatPolicyReport or report.FormatOpenReports.
	ReportFormat string
	// Resync rewrites every report at least this often (timestamps).
	Resync time.Duration
	// Recheck is how often a pass runs without a change noticed: changes
	// to referenced Secrets, which nothing watches, are seen then.
	Recheck time.Duration
	// RetryMin is the wait before retrying a failed pass; it doubles with
	// each failure in a row, up to RetryMax.
	RetryMin, RetryMax time.Duration
}

// DefaultOptions: PolicyReports, hourly report rewrite, a recheck every
// five minutes, retries from one second to one minute apart.
func DefaultOptions() Options {
	return Options{ReportFormat: report.FormatPolicyReport, Resync: time.Hour, Recheck: 5 * time.Minute,
		RetryMin: time.Second, RetryMax: time.Minute}
}

// Validate names the flag of each bad option.
func (o Options) Validate() error {
	switch o.ReportFormat {
	case report.FormatPolicyReport, report.FormatOpenReports:
	default:
		return fmt.Errorf("--report-format: %q is neither %s nor %s", o.ReportFormat, report.FormatPolicyReport, report.FormatOpenReports)
	}
	if o.Resync <= 0 || o.Recheck <= 0 {
		return fmt.Errorf("--audit-resync and --audit-recheck-interval must be positive (got %s, %s)", o.Resync, o.Recheck)
	}
	if o.RetryMin <= 0 || o.RetryMax < o.RetryMin {
		return fmt.Errorf("audit retry backoff: %s to %s is no range", o.RetryMin, o.RetryMax)
	}
	return nil
}

// Add registers the controller with the manager. It subscribes to the
// changes of deps.Changes (the guarded objects) and deps.Settings.
func Add(mgr manager.Manager, deps webhook.Deps, o Options) error {
	c, err := New(deps, mgr.GetAPIReader(), mgr.GetClient(), mgr.GetEventRecorder("argoguard-audit"), o)
	if err != nil {
		return err
	}
	return mgr.Add(c)
}

// Controller is the audit controller: a manager Runnable that runs only on
// the leader.
type Controller struct {
	deps   webhook.Deps
	reader client.Reader // uncached reads: ConfigMap UIDs, existing reports
	writer client.Client
	events webhook.EventRecorder
	log    logr.Logger
	opts   Options
	// Now is the report clock (time.Now if nil).
	Now func() time.Time
	// trigger holds at most one pending notification: any number of
	// changes before the next pass starts make one pass.
	trigger chan struct{}

	mu         sync.Mutex
	lastFP     string
	lastWrite  time.Time
	lastErr    string
	crdMissing bool
	// pending are the reports of the objects as fingerprinted pendingFP,
	// built but not yet all written.
	pending   []report.PolicyReport
	pendingFP string
	// findings is the signature of each object's findings as last reported.
	findings map[policy.ObjectRef]string
	// gauged are the objects (namespace/name) whose gauges each shared
	// report (namespace/name) last set, so those of objects gone are
	// dropped.
	gauged map[string][]string
}

// New returns a controller subscribed to the changes of deps.Changes and
// deps.Settings (either may be nil); Start runs it.
func New(deps webhook.Deps, reader client.Reader, writer client.Client, events webhook.EventRecorder, o Options) (*Controller, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := &Controller{
		deps: deps, reader: reader, writer: writer, events: events, opts: o,
		log: deps.Log.WithName("audit"), findings: map[policy.ObjectRef]string{}, gauged: map[string][]string{},
		trigger: make(chan struct{}, 1),
	}
	if deps.Changes != nil {
		deps.Changes.OnChange(func(policy.ObjectRef) { c.Notify() })
	}
	if deps.Settings != nil {
		deps.Settings.OnChange(func(*settings.Settings) { c.Notify() })
	}
	return c, nil
}

// Notify asks for a pass. It never blocks: a pass already asked for and not
// started yet covers this change too.
func (c *Controller) Notify() {
	select {
	case c.trigger <- struct{}{}:
	default:
	}
}

// NeedLeaderElection: one replica writes the reports.
func (c *Controller) NeedLeaderElection() bool { return true }

// Start runs a pass at once, then one per notification (coalesced), per
// recheck interval and, after a failure, per retry, until ctx ends.
func (c *Controller) Start(ctx context.Context) error {
	c.log.Info("audit controller started", "format", c.opts.ReportFormat, "resync", c.opts.Resync.String(),
		"recheck", c.opts.Recheck.String())
	recheck := time.NewTicker(c.opts.Recheck)
	defer recheck.Stop()
	retry := time.NewTimer(c.opts.RetryMax)
	retry.Stop()
	defer retry.Stop()
	backoff := c.opts.RetryMin
	for {
		retry.Stop()
		if done, err := c.pass(ctx); ctx.Err() != nil {
			return nil
		} else if err != nil || !done {
			if err != nil {
				c.logOnce(err, backoff)
			}
			retry.Reset(backoff)
			backoff = min(2*backoff, c.opts.RetryMax)
		} else {
			backoff = c.opts.RetryMin
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.trigger:
		case <-recheck.C:
		case <-retry.C:
		}
	}
}

// logOnce logs an error once per distinct message, so a persistent problem
// (RBAC, an unreachable API server) does not flood the log every retry.
func (c *Controller) logOnce(err error, retryIn time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if msg := err.Error(); msg != c.lastErr {
		c.lastErr = msg
		c.log.Error(err, "audit pass failed; retrying with backoff", "retryIn", retryIn.String())
	}
}
