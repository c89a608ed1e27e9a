package webhook

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// The webhook's metrics. cmd/webhook registers them (RegisterMetrics) with
// controller-runtime's registry, so /metrics serves them next to its own
// webhook metrics (latency, in-flight, totals).
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

// RegisterMetrics registers the admission and settings metrics with reg.
func RegisterMetrics(reg prometheus.Registerer) error {
	return RegisterCollectors(reg, findingsTotal, decisionsTotal, settingsRejected, settingsRejections)
}

// RegisterCollectors registers each collector with reg. A collector reg
// already holds is no error: a process that wires the webhook twice (the
// tests of cmd/webhook) registers the same collectors twice.
func RegisterCollectors(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	var errs []error
	for _, c := range cs {
		var already prometheus.AlreadyRegisteredError
		if err := reg.Register(c); err != nil && !(errors.As(err, &already) && already.ExistingCollector == c) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func recordDecision(mode settings.Mode, ref policy.ObjectRef, d Decision) {
	for _, f := range d.Findings {
		findingsTotal.WithLabelValues(f.RuleID, string(f.Action), string(mode)).Inc()
	}
	decisionsTotal.WithLabelValues(ref.Namespace+"/"+ref.Name, string(d.Verdict)).Inc()
}
