package webhook

import (
	"github.com/argoguard/argoguard/snapshot"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
)

// BenchmarkValidateGuide measures one admission of the guide's ConfigMaps
// through the HTTP handler (decode, two evaluations, decision, encode),
// with the live objects in memory as the caches hold them.
func BenchmarkValidateGuide(b *testing.B) {
	set := guideSettings(b)
	h := validator(set, guideCluster(b, "as-written"))
	for _, tc := range []struct{ name, variant, file string }{
		{"rbac-denied", "as-written", "argocd-rbac-cm.yaml"},
		{"rbac-allowed", "fixed", "argocd-rbac-cm.yaml"},
		{"argocd-cm", "as-written", "argocd-cm.yaml"},
		{"workflows", "as-written", "workflow-controller-configmap.yaml"},
	} {
		cm := guideConfigMap(b, tc.variant, tc.file)
		body := reviewJSON(b, reviewOpts{op: admissionv1.Update, object: cm, old: guideConfigMap(b, "as-written", tc.file)})
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				post(b, h, body)
			}
		})
	}
}

func BenchmarkMutateGuide(b *testing.B) {
	set := guideSettings(b)
	m := &Mutator{Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: guideCluster(b, "fixed")},
		Log: logr.Discard(), Defaults: matchModeDefaults}
	h := Handler(m, logr.Discard(), 0)
	cm := guideConfigMap(b, "fixed", "argocd-rbac-cm.yaml")
	delete(cm.Data, "policy.matchMode")
	body := reviewJSON(b, reviewOpts{op: admissionv1.Create, object: cm})
	for b.Loop() {
		post(b, h, body)
	}
}
