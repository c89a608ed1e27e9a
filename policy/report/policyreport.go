package report

// PolicyReport objects (wgpolicyk8s.io/v1alpha2, the format Policy Reporter
// and Kyverno users read) and openreports.io/v1alpha1 Reports: one per
// guarded ConfigMap, scoped to it, and one per namespace for all its
// AppProjects and one for all its rbac-rule ServiceAccounts, whose results
// name their object. Plain structs, so policy/ needs no Kubernetes
// packages; the audit controller adds owner references.

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
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   ReportMeta `json:"metadata"`
	Source     string     `json:"source,omitempty"`
	// Scope is zero (and left out) on a namespace's AppProjects or
	// ServiceAccounts report: each result names its object instead.
	Scope   ScopeRef       `json:"scope,omitzero"`
	Summary ReportSummary  `json:"summary"`
	Results []ReportResult `json:"results"`
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
	// Resources names the object a result is about in a report without a
	// scope.
	Resources []ScopeRef `json:"resources,omitempty"`
	Timestamp Timestamp  `json:"timestamp"`
}

// Timestamp is metav1.Timestamp.
type Timestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// ReportName is the name of the report holding a guarded object's results:
// a ConfigMap's own (repeated evaluations update it in place), or the
// namespace's report for all its AppProjects or all its ServiceAccounts, so
// the names are known in advance (the deployed RBAC lists them) and cannot
// take the name of a ConfigMap's report.
func ReportName(obj policy.ObjectRef) string {
	if obj.Kind == policy.KindAppProject || obj.Kind == policy.KindServiceAccount {
		return "argoguard-" + strings.ToLower(obj.Kind) + "s"
	}
	return "argoguard-" + obj.Name
}

// scopeAPIVersion is the apiVersion of the kinds reports are about; "" for
// a kind that gets no report of its own.
func scopeAPIVersion(kind string) string {
	switch kind {
	case "ConfigMap", policy.KindServiceAccount:
		return "v1"
	case policy.KindAppProject:
		return "argoproj.io/v1alpha1"
	}
	return ""
}

// PropResource is the result property naming the object of a result in a
// namespace's AppProjects or ServiceAccounts report ("AppProject
// argocd/team-a"), for readers that show properties but not resources.
const PropResource = "resource"

// PolicyReports returns the reports of r in format (FormatPolicyReport or
// FormatOpenReports): one per guarded ConfigMap, then one per namespace and
// kind for AppProjects and ServiceAccounts. Results carry r's clock.
func PolicyReports(r *Report, format string) []PolicyReport {
	var ts Timestamp
	if now := r.Now(); !now.IsZero() {
		ts = TimestampOf(now)
	}
	var out, shared []PolicyReport
	at := map[string]int{} // namespace/name -> index in shared
	for _, o := range r.Objects {
		apiVersion := scopeAPIVersion(o.Object.Kind)
		if apiVersion == "" {
			continue // findings on a Secret are also reported on its ConfigMap
		}
		objRef := ScopeRef{APIVersion: apiVersion, Kind: o.Object.Kind, Namespace: o.Object.Namespace, Name: o.Object.Name}
		name := ReportName(o.Object)
		if o.Object.Kind == "ConfigMap" {
			pr := newPolicyReport(format, name, o.Object.Namespace)
			pr.Metadata.Labels[LabelScopeName] = o.Object.Name
			pr.Scope = objRef
			pr.Results = append(pr.Results, objectResults(r, o, ts, nil)...)
			out = append(out, pr)
			continue
		}
		key := o.Object.Namespace + "/" + name
		i, ok := at[key]
		if !ok {
			i = len(shared)
			at[key] = i
			shared = append(shared, newPolicyReport(format, name, o.Object.Namespace))
		}
		shared[i].Results = append(shared[i].Results, objectResults(r, o, ts, &objRef)...)
	}
	out = append(out, shared...)
	for i := range out {
		pr := &out[i]
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
		pr.Results = boundResults(pr.Results, maxResultsBytes, pr.Scope.Kind == "")
	}
	return out
}

// EmptySharedReport is the report of a namespace's AppProjects or
// ServiceAccounts (kind) when it has none any more: written over the one
// that still lists the objects gone.
func EmptySharedReport(format, kind, namespace string) PolicyReport {
	return newPolicyReport(format, ReportName(policy.ObjectRef{Kind: kind}), namespace)
}

func newPolicyReport(format, name, namespace string) PolicyReport {
	pr := PolicyReport{
		APIVersion: PolicyReportAPIVersion, Kind: PolicyReportKind,
		Metadata: ReportMeta{
			Name: name, Namespace: namespace,
			Labels: map[string]string{LabelManagedBy: Source},
		},
		Results: []ReportResult{},
	}
	if format == FormatOpenReports {
		pr.APIVersion, pr.Kind, pr.Source = OpenReportsAPIVersion, OpenReportsKind, Source
	}
	return pr
}

// objectResults are o's results: one per finding, or one per rule without
// any. about, when set, names o in each result (a report without a scope).
func objectResults(r *Report, o ObjectReport, ts Timestamp, about *ScopeRef) []ReportResult {
	var out []ReportResult
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
			out = append(out, naming(base, about))
			continue
		}
		for _, i := range res.Findings {
			f := r.Findings[i]
			rr := base
			rr.Result = f.Result
			rr.Severity = string(f.Severity)
			rr.Message = f.Message
			rr.Properties = findingProperties(f)
			out = append(out, naming(rr, about))
		}
	}
	return out
}

// naming adds about to rr: its resources and the resource property.
func naming(rr ReportResult, about *ScopeRef) ReportResult {
	if about == nil {
		return rr
	}
	rr.Resources = []ScopeRef{*about}
	if rr.Properties == nil {
		rr.Properties = map[string]string{}
	}
	rr.Properties[PropResource] = about.Kind + " " + about.Namespace + "/" + about.Name
	return rr
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
