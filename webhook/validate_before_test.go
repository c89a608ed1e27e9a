package webhook

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
)

// TestBeforeEvaluatedOnlyWhenItDecides: the state before the change is
// evaluated only in enforce mode when the change has a deny finding (to
// tell live problems from new ones); every other verdict is the same
// without it, at half the cost.
func TestBeforeEvaluatedOnlyWhenItDecides(t *testing.T) {
	fixed := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	written := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	for _, tc := range []struct {
		name        string
		mode        settings.Mode
		live        string // the cluster's variant
		object, old string // the request's variants
		evaluations int64
		allowed     bool
		warning     string // a warning the answer must carry ("" for none required)
	}{
		{"enforce, valid change", settings.ModeEnforce, "fixed", "fixed", "fixed", 1, true, ""},
		{"enforce, new deny finding", settings.ModeEnforce, "fixed", "as-written", "fixed", 2, false, ""},
		{"enforce, live deny finding kept", settings.ModeEnforce, "as-written", "as-written", "as-written", 2, true, "already live"},
		{"audit, deny finding", settings.ModeAudit, "fixed", "as-written", "fixed", 1, true, "RBAC-007"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			count := func(s *policy.Snapshot) ([]policy.Finding, error) {
				n.Add(1)
				return rules.Evaluate(s)
			}
			set := withMode(guideSettings(t), tc.mode)
			v := &Validator{Settings: NewStaticSettings(set), Source: &SnapshotSource{Reader: guideCluster(t, tc.live)},
				Log: logr.Discard(), Evaluate: count}
			obj, old := fixed, fixed
			if tc.object == "as-written" {
				obj = written
			}
			if tc.old == "as-written" {
				old = written
			}
			resp := post(t, Handler(v, logr.Discard(), DefaultMaxRequestBytes),
				reviewJSON(t, reviewOpts{op: admissionv1.Update, object: obj, old: old}))
			if resp.Allowed != tc.allowed {
				t.Fatalf("allowed = %v, want %v (%v)", resp.Allowed, tc.allowed, resp.Result)
			}
			if got := n.Load(); got != tc.evaluations {
				t.Errorf("%d evaluations, want %d", got, tc.evaluations)
			}
			if all := strings.Join(resp.Warnings, "\n"); tc.warning != "" && !strings.Contains(all, tc.warning) {
				t.Errorf("warnings lack %q:\n%s", tc.warning, all)
			}
		})
	}
}
