package webhook

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// The metrics live in controller-runtime's registry, so /metrics serves
// them next to its own webhook metrics (latency, in-flight, totals).
var (
	findingsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "argoguard_findings_total",
		Help: "Findings of admitted or refused changes, by rule, effective action and mode.",
	}, []string{"rule", "action", "mode"})
	decisionsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "argoguard_admission_decisions_total",
		Help: "Admission decisions of the validating webhook, by object (namespace/name) and verdict.",
	}, []string{"object", "verdict"})
)

func init() {
	metrics.Registry.MustRegister(findingsTotal, decisionsTotal)
}

func recordDecision(mode settings.Mode, ref policy.ObjectRef, d Decision) {
	for _, f := range d.Findings {
		findingsTotal.WithLabelValues(f.RuleID, string(f.Action), string(mode)).Inc()
	}
	decisionsTotal.WithLabelValues(ref.Namespace+"/"+ref.Name, string(d.Verdict)).Inc()
}
