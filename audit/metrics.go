package audit

import (
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

func recordResults(pr report.PolicyReport) {
	obj := pr.Scope.Namespace + "/" + pr.Scope.Name
	auditResults.WithLabelValues(obj, report.ResultPass).Set(float64(pr.Summary.Pass))
	auditResults.WithLabelValues(obj, report.ResultFail).Set(float64(pr.Summary.Fail))
	auditResults.WithLabelValues(obj, report.ResultWarn).Set(float64(pr.Summary.Warn))
	auditResults.WithLabelValues(obj, report.ResultSkip).Set(float64(pr.Summary.Skip))
}
