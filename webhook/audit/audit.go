// Package audit is the background half of argoguard: a leader-elected
// controller that re-checks the live guarded objects and writes one
// PolicyReport (or openreports.io Report) per guarded ConfigMap, in its
// namespace, owned by it and updated in place, with an Event on the
// ConfigMap when its findings change.
//
// It re-checks when any guarded object, a referenced Secret (when the
// settings allow reading them) or the settings change, and on a resync
// period. Changes are noticed by fingerprinting the snapshot every poll
// interval: the snapshot comes from the webhook's per-object informer
// caches (Secrets, when read, by GET as for admission), the same code path
// the admission handlers use.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/webhook"
)

// Options configure the controller.
type Options struct {
	// ReportFormat is report.FormatPolicyReport or report.FormatOpenReports.
	ReportFormat string
	// Resync rewrites every report at least this often (timestamps).
	Resync time.Duration
	// Poll is how often the snapshot is fingerprinted for changes.
	Poll time.Duration
}

// DefaultOptions: PolicyReports, hourly resync, changes noticed within 5s.
func DefaultOptions() Options {
	return Options{ReportFormat: report.FormatPolicyReport, Resync: time.Hour, Poll: 5 * time.Second}
}

var flagOptions = DefaultOptions()

// BindFlags adds the controller's flags to the webhook's flag set.
func BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&flagOptions.ReportFormat, "report-format", flagOptions.ReportFormat,
		"reports the audit controller writes: policyreport (wgpolicyk8s.io/v1alpha2) or openreports (openreports.io/v1alpha1)")
	fs.DurationVar(&flagOptions.Resync, "audit-resync", flagOptions.Resync, "the audit controller rewrites every report at least this often")
	fs.DurationVar(&flagOptions.Poll, "audit-poll-interval", flagOptions.Poll, "how often the audit controller looks for changed objects or settings")
}

// Add registers the controller with the flag options (a webhook.ControllerFunc).
func Add(mgr manager.Manager, deps webhook.Deps) error {
	return AddWithOptions(mgr, deps, flagOptions)
}

// AddWithOptions registers the controller with the manager.
func AddWithOptions(mgr manager.Manager, deps webhook.Deps, o Options) error {
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
}

// New returns a controller; Start runs it.
func New(deps webhook.Deps, reader client.Reader, writer client.Client, events webhook.EventRecorder, o Options) (*Controller, error) {
	switch o.ReportFormat {
	case report.FormatPolicyReport, report.FormatOpenReports:
	default:
		return nil, fmt.Errorf("--report-format: %q is neither %s nor %s", o.ReportFormat, report.FormatPolicyReport, report.FormatOpenReports)
	}
	if o.Resync <= 0 || o.Poll <= 0 {
		return nil, fmt.Errorf("--audit-resync and --audit-poll-interval must be positive (got %s, %s)", o.Resync, o.Poll)
	}
	return &Controller{
		deps: deps, reader: reader, writer: writer, events: events, opts: o,
		log: deps.Log.WithName("audit"), findings: map[policy.ObjectRef]string{},
	}, nil
}

// NeedLeaderElection: one replica writes the reports.
func (c *Controller) NeedLeaderElection() bool { return true }

// Start checks at once, then on every poll tick, until ctx ends.
func (c *Controller) Start(ctx context.Context) error {
	c.log.Info("audit controller started", "format", c.opts.ReportFormat, "resync", c.opts.Resync.String())
	t := time.NewTicker(c.opts.Poll)
	defer t.Stop()
	for {
		if err := c.Sync(ctx); err != nil && ctx.Err() == nil {
			c.logOnce(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// logOnce logs an error once per distinct message, so a persistent problem
// (RBAC, an unreachable API server) does not flood the log every poll.
func (c *Controller) logOnce(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if msg := err.Error(); msg != c.lastErr {
		c.lastErr = msg
		c.log.Error(err, "audit pass failed; retrying every poll interval")
	}
}

// Sync re-checks the live objects if anything changed since the last
// successful pass or the resync period has passed, and writes the reports.
func (c *Controller) Sync(ctx context.Context) error {
	set := c.deps.Settings.Current()
	snap, err := c.deps.Source.Build(ctx, set, nil)
	if err != nil {
		return err
	}
	fp, err := fingerprint(snap)
	if err != nil {
		return err
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	c.mu.Lock()
	resync := now.Sub(c.lastWrite) >= c.opts.Resync
	due := fp != c.lastFP || resync
	pending := c.pending
	if fp != c.pendingFP {
		pending = nil
	}
	c.mu.Unlock()
	if !due {
		return nil
	}
	if pending == nil {
		findings, err := c.deps.Rules.Evaluate(snap)
		if err != nil {
			return fmt.Errorf("evaluation incomplete: %w", err)
		}
		r := report.Build(report.Input{Snapshot: snap, Findings: findings, Rules: c.deps.Rules.Rules(), Now: now, NoMatrix: true})
		pending = report.PolicyReports(r, c.opts.ReportFormat)
		// Kept until written: while the report CRD is missing, each poll
		// retries the write without judging the unchanged objects again.
		c.mu.Lock()
		c.pending, c.pendingFP = pending, fp
		c.mu.Unlock()
	}
	var errs []error
	for _, pr := range pending {
		if err := c.write(ctx, pr, signature(pr), resync); err != nil {
			errs = append(errs, err)
			continue
		}
		recordResults(pr)
	}
	if err := errors.Join(errs...); err != nil {
		if isCRDMissing(err) {
			c.noteCRDMissing()
			return nil // carry on; the next pass tries again
		}
		return err
	}
	c.mu.Lock()
	if c.crdMissing {
		c.log.Info("report CRD found; writing reports", "format", c.opts.ReportFormat)
	}
	c.crdMissing, c.lastFP, c.lastWrite, c.lastErr = false, fp, now, ""
	c.pending, c.pendingFP = nil, ""
	c.mu.Unlock()
	auditLastSuccess.Set(float64(now.Unix()))
	return nil
}

func (c *Controller) noteCRDMissing() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.crdMissing {
		c.crdMissing = true
		kind, api := report.PolicyReportKind, report.PolicyReportAPIVersion
		if c.opts.ReportFormat == report.FormatOpenReports {
			kind, api = report.OpenReportsKind, report.OpenReportsAPIVersion
		}
		c.log.Info("report CRD not installed: no reports are written until it is (install deploy/crds)",
			"kind", kind, "apiVersion", api)
	}
}

// fingerprint hashes what the findings depend on: the settings and the
// data of every object in the snapshot (Secret values only as part of the
// hash, never kept).
func fingerprint(snap *policy.Snapshot) (string, error) {
	h := sha256.New()
	set, err := json.Marshal(snap.Settings)
	if err != nil {
		return "", err
	}
	h.Write(set)
	objs := append(snap.Objects(), snap.Secrets...)
	for _, o := range objs {
		fmt.Fprintf(h, "\x00%s\x00", o.Ref)
		keys := make([]string, 0, len(o.Data))
		for k := range o.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(h, "%d:%s%d:%s", len(k), k, len(o.Data[k]), o.Data[k])
		}
	}
	fmt.Fprintf(h, "\x00secrets-known=%v", snap.SecretsKnown)
	for _, r := range snap.SecretsUnknown { // a Secret turning unreadable changes what the rules judge
		fmt.Fprintf(h, "\x00unknown=%s", r)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// signature is what "its findings changed" compares: the fail and warn
// results of one report, without timestamps.
func signature(pr report.PolicyReport) string {
	var parts []string
	for _, res := range pr.Results {
		if res.Result == report.ResultFail || res.Result == report.ResultWarn {
			parts = append(parts, res.Result+"|"+res.Rule+"|"+res.Properties["key"]+"|"+res.Properties["line"]+"|"+res.Message)
		}
	}
	sort.Strings(parts)
	b, _ := json.Marshal(parts)
	return string(b)
}
