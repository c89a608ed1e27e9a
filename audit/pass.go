package audit

// One audit pass: the live snapshot, judged when it changed (or a report
// rewrite is due), written as one report per guarded ConfigMap and one per
// namespace for its AppProjects or rbac-rule ServiceAccounts.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
)

// Sync re-checks the live objects if anything changed since the last
// successful pass or the resync period has passed, and writes the reports.
// A report kind whose CRD is not installed is no error (the pass is retried
// until it is).
func (c *Controller) Sync(ctx context.Context) error {
	_, err := c.pass(ctx)
	return err
}

// pass is Sync; done is false when reports are left to write (their CRD is
// missing).
func (c *Controller) pass(ctx context.Context) (done bool, err error) {
	set := c.deps.Settings.Current()
	snap, err := c.deps.Source.Build(ctx, set, nil)
	if err != nil {
		return false, err
	}
	fp, err := fingerprint(snap)
	if err != nil {
		return false, err
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
		return true, nil
	}
	if pending == nil {
		findings, err := c.deps.Rules.Evaluate(snap)
		if err != nil {
			return false, fmt.Errorf("evaluation incomplete: %w", err)
		}
		r := report.Build(report.Input{Snapshot: snap, Findings: findings, Rules: c.deps.Rules.Rules(), Now: now, NoMatrix: true})
		pending = withSharedReports(report.PolicyReports(r, c.opts.ReportFormat), snap, c.opts.ReportFormat)
		// Kept until written: while the report CRD is missing, each retry
		// writes again without judging the unchanged objects again.
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
		c.recordResults(pr)
	}
	if err := errors.Join(errs...); err != nil {
		if isCRDMissing(err) {
			c.noteCRDMissing()
			return false, nil // carry on; the next pass tries again
		}
		return false, err
	}
	c.mu.Lock()
	if c.crdMissing {
		c.log.Info("report CRD found; writing reports", "format", c.opts.ReportFormat)
	}
	c.crdMissing, c.lastFP, c.lastWrite, c.lastErr = false, fp, now, ""
	c.pending, c.pendingFP = nil, ""
	c.mu.Unlock()
	auditLastSuccess.Set(float64(now.Unix()))
	return true, nil
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
	objs := slices.Concat(snap.Objects(), snap.Projects, snap.ServiceAccounts, snap.Secrets)
	for _, o := range objs {
		fmt.Fprintf(h, "\x00%s\x00", o.Ref)
		hashMap(h, o.Data)
		// A ServiceAccount's rbac-rule is an annotation.
		fmt.Fprint(h, "\x00annotations\x00")
		hashMap(h, o.Annotations)
	}
	fmt.Fprintf(h, "\x00secrets-known=%v\x00unlisted=%v", snap.SecretsKnown, snap.Unlisted)
	for _, r := range snap.SecretsUnknown { // a Secret turning unreadable changes what the rules judge
		fmt.Fprintf(h, "\x00unknown=%s", r)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// withSharedReports adds the empty report of a guarded namespace without
// AppProjects (or rbac-rule ServiceAccounts), so that a report listing the
// last ones, now gone, is emptied (write creates none). A kind that could
// not be listed gets none: its report keeps what it said.
func withSharedReports(prs []report.PolicyReport, snap *policy.Snapshot, format string) []report.PolicyReport {
	set := snap.Settings
	want := map[string]string{} // kind -> namespace
	if set.GuardsArgoCD() {
		want[policy.KindAppProject] = set.ArgoCD.Namespace
	}
	if set.GuardsWorkflows() {
		want[policy.KindServiceAccount] = set.Workflows.Namespace
	}
	for _, kind := range []string{policy.KindAppProject, policy.KindServiceAccount} {
		ns, ok := want[kind]
		if !ok || slices.Contains(snap.Unlisted, kind) {
			continue // not judged: the report keeps what it said
		}
		name := report.ReportName(policy.ObjectRef{Kind: kind})
		if !slices.ContainsFunc(prs, func(pr report.PolicyReport) bool {
			return pr.Metadata.Name == name && pr.Metadata.Namespace == ns
		}) {
			prs = append(prs, report.EmptySharedReport(format, kind, ns))
		}
	}
	return prs
}

// hashMap writes m to h in key order, each key and value length-prefixed.
func hashMap(h io.Writer, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%d:%s%d:%s", len(k), k, len(m[k]), m[k])
	}
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
