package report

// PolicyReport objects (wgpolicyk8s.io/v1alpha2, the format Policy Reporter
// and Kyverno users read) and openreports.io/v1alpha1 Reports: one per
// guarded object, scoped to it. Plain structs, so policy/ needs no
// Kubernetes packages; the audit controller adds owner references.

import (
	"strconv"
	"strings"
	"time"

	"github.com/argoguard/argoguard/policy"
)

// Report formats the audit controller can write.
const (
	FormatPolicyReport = "policyreport" // wgpolicyk8s.io/v1alpha2 PolicyReport
	FormatOpenReports  = "openreports"  // openreports.io/v1alpha1 Report
)

// API groups, versions and kinds of the two formats.
const (
	PolicyReportAPIVersion = "wgpolicyk8s.io/v1alpha2"
	PolicyReportKind       = "PolicyReport"
	OpenReportsAPIVersion  = "openreports.io/v1alpha1"
	OpenReportsKind        = "Report"
)

// Source is the engine name in every result.
const Source = "argoguard"

// Labels set on every report argoguard writes.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelScopeName = "argoguard.io/scope-name"
)

// PolicyReport is one report object; its JSON is the CRD's schema
// (identical for both formats but for apiVersion, kind and the top-level
// source openreports adds).
type PolicyReport struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   ReportMeta     `json:"metadata"`
	Source     string         `json:"source,omitempty"`
	Scope      ScopeRef       `json:"scope"`
	Summary    ReportSummary  `json:"summary"`
	Results    []ReportResult `json:"results"`
}

// ReportMeta is the part of ObjectMeta argoguard sets.
type ReportMeta struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// ScopeRef is the corev1.ObjectReference of the ConfigMap reported on (the
// controller adds its uid).
type ScopeRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

// ReportSummary counts results.
type ReportSummary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// ReportResult is one rule's outcome on the scope: one per finding, or one
// pass (or skip) when the rule found nothing.
type ReportResult struct {
	Source     string            `json:"source"`
	Policy     string            `json:"policy"`
	Rule       string            `json:"rule"`
	Category   string            `json:"category,omitempty"`
	Severity   string            `json:"severity,omitempty"`
	Result     string            `json:"result"`
	Scored     bool              `json:"scored"`
	Message    string            `json:"message"`
	Properties map[string]string `json:"properties,omitempty"`
	Timestamp  Timestamp         `json:"timestamp"`
}

// Timestamp is metav1.Timestamp.
type Timestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// ReportName is the name of the report for a guarded object: one per
// object, so repeated evaluations update it in place. An AppProject's or a
// ServiceAccount's carries its kind, so that it cannot take the name of a
// ConfigMap's report in the same namespace.
func ReportName(obj policy.ObjectRef) string {
	if obj.Kind == policy.KindAppProject || obj.Kind == policy.KindServiceAccount {
		return "argoguard-" + strings.ToLower(obj.Kind) + "-" + obj.Name
	}
	return "argoguard-" + obj.Name
}

// scopeAPIVersion is the apiVersion of the kinds reports are scoped to;
// "" for a kind that gets no report of its own.
func scopeAPIVersion(kind string) string {
	switch kind {
	case "ConfigMap", policy.KindServiceAccount:
		return "v1"
	case policy.KindAppProject:
		return "argoproj.io/v1alpha1"
	}
	return ""
}

// PolicyReports returns one report per guarded object of r, in format
// (FormatPolicyReport or FormatOpenReports). Results carry r's clock.
func PolicyReports(r *Report, format string) []PolicyReport {
	var ts Timestamp
	if now := r.Now(); !now.IsZero() {
		ts = TimestampOf(now)
	}
	out := make([]PolicyReport, 0, len(r.Objects))
	for _, o := range r.Objects {
		apiVersion := scopeAPIVersion(o.Object.Kind)
		if apiVersion == "" {
			continue // findings on a Secret are also reported on its ConfigMap
		}
		pr := PolicyReport{
			APIVersion: PolicyReportAPIVersion, Kind: PolicyReportKind,
			Metadata: ReportMeta{
				Name: ReportName(o.Object), Namespace: o.Object.Namespace,
				Labels: map[string]string{LabelManagedBy: Source, LabelScopeName: o.Object.Name},
			},
			Scope:   ScopeRef{APIVersion: apiVersion, Kind: o.Object.Kind, Namespace: o.Object.Namespace, Name: o.Object.Name},
			Results: []ReportResult{},
		}
		if format == FormatOpenReports {
			pr.APIVersion, pr.Kind, pr.Source = OpenReportsAPIVersion, OpenReportsKind, Source
		}
		for _, res := range o.Results {
			base := ReportResult{
				Source: Source, Policy: res.Policy, Rule: res.Rule, Category: res.Category,
				Severity: res.Severity, Scored: true, Timestamp: ts,
			}
			if len(res.Findings) == 0 {
				base.Result = res.Result
				base.Message = res.Title + ": no finding"
				if res.Result == ResultSkip {
					base.Message = res.Title + ": skipped, " + res.Reason
				}
				pr.Results = append(pr.Results, base)
				continue
			}
			for _, i := range res.Findings {
				f := r.Findings[i]
				rr := base
				rr.Result = f.Result
				rr.Severity = string(f.Severity)
				rr.Message = f.Message
				rr.Properties = findingProperties(f)
				pr.Results = append(pr.Results, rr)
			}
		}
		for _, res := range pr.Results {
			switch res.Result {
			case ResultPass:
				pr.Summary.Pass++
			case ResultFail:
				pr.Summary.Fail++
			case ResultWarn:
				pr.Summary.Warn++
			case ResultSkip:
				pr.Summary.Skip++
			}
		}
		// The summary counts every finding; the results list is bounded.
		pr.Results = boundResults(pr.Results, maxResultsBytes)
		out = append(out, pr)
	}
	return out
}

func findingProperties(f Finding) map[string]string {
	p := map[string]string{"action": string(f.Action), "title": f.Title}
	l := f.Location
	if l.Object != f.Object {
		p["object"] = l.Object.String()
	}
	if l.Key != "" {
		p["key"] = l.Key
	}
	if l.Line > 0 {
		p["line"] = strconv.Itoa(l.Line)
	}
	if l.Path != "" {
		p["path"] = l.Path
	}
	if fld := l.Field(); fld != "" {
		p["field"] = fld
	}
	if f.Fix != "" {
		p["fix"] = f.Fix
	}
	return p
}

// TimestampOf converts a time to metav1.Timestamp's form.
func TimestampOf(t time.Time) Timestamp {
	return Timestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())}
}
