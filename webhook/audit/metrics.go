package audit

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/argoguard/argoguard/policy/report"
)

// Gauges of the last audit pass, in controller-runtime's registry (served
// on /metrics with the webhook's own): alert on fail > 0 during an audit
// rollout without reading every report.
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

func init() {
	metrics.Registry.MustRegister(auditResults, auditLastSuccess)
}

func recordResults(pr report.PolicyReport) {
	obj := pr.Scope.Namespace + "/" + pr.Scope.Name
	auditResults.WithLabelValues(obj, report.ResultPass).Set(float64(pr.Summary.Pass))
	auditResults.WithLabelValues(obj, report.ResultFail).Set(float64(pr.Summary.Fail))
	auditResults.WithLabelValues(obj, report.ResultWarn).Set(float64(pr.Summary.Warn))
	auditResults.WithLabelValues(obj, report.ResultSkip).Set(float64(pr.Summary.Skip))
}
