package audit

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/webhook"
)

// Gauges of the last audit pass, registered by cmd/webhook (RegisterMetrics)
// with controller-runtime's registry and served on /metrics with the
// webhook's own: alert on fail > 0 during an audit rollout without reading
// every report.
var (
	auditResults = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "argoguard_audit_results",
		Help: "Results of the last audit pass per guarded object (namespace/name) and result (pass, fail, warn, skip).",
	}, []string{"object", "result"})
	auditLastSuccess = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "argoguard_audit_last_success_timestamp_seconds",
		Help: "When the audit controller last wrote every report.",
	})
)

// RegisterMetrics registers the audit controller's metrics with reg.
func RegisterMetrics(reg prometheus.Registerer) error {
	return webhook.RegisterCollectors(reg, auditResults, auditLastSuccess)
}

// recordResults sets the gauges of each object pr reports on: its scope,
// or the object each result names in a report without one (and drops
// those of objects it named last time and no longer does).
func (c *Controller) recordResults(pr report.PolicyReport) {
	if pr.Scope.Kind != "" {
		setResults(pr.Scope.Namespace+"/"+pr.Scope.Name, pr.Summary)
		return
	}
	by := map[string]*report.ReportSummary{}
	for _, res := range pr.Results {
		if len(res.Resources) == 0 {
			continue
		}
		r := res.Resources[0]
		obj := r.Namespace + "/" + r.Name
		if by[obj] == nil {
			by[obj] = &report.ReportSummary{}
		}
		s := by[obj]
		n := 1
		if o, err := strconv.Atoi(res.Properties[report.PropertyOmitted]); err == nil {
			n = o // a size-bounded report's "and N more"
		}
		switch res.Result {
		case report.ResultPass:
			s.Pass += n
		case report.ResultFail:
			s.Fail += n
		case report.ResultWarn:
			s.Warn += n
		case report.ResultSkip:
			s.Skip += n
		}
	}
	objs := make([]string, 0, len(by))
	for obj, s := range by {
		setResults(obj, *s)
		objs = append(objs, obj)
	}
	key := pr.Metadata.Namespace + "/" + pr.Metadata.Name
	c.mu.Lock()
	gone := c.gauged[key]
	c.gauged[key] = objs
	c.mu.Unlock()
	for _, obj := range gone {
		if by[obj] == nil {
			auditResults.DeletePartialMatch(prometheus.Labels{"object": obj})
		}
	}
}

func setResults(obj string, s report.ReportSummary) {
	auditResults.WithLabelValues(obj, report.ResultPass).Set(float64(s.Pass))
	auditResults.WithLabelValues(obj, report.ResultFail).Set(float64(s.Fail))
	auditResults.WithLabelValues(obj, report.ResultWarn).Set(float64(s.Warn))
	auditResults.WithLabelValues(obj, report.ResultSkip).Set(float64(s.Skip))
}
