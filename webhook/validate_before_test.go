package webhook

import (
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
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
			count := evaluatorFunc(func(s *policy.Snapshot, ids map[string]bool) ([]policy.Finding, error) {
				n.Add(1)
				return catalogue.EvaluateOnly(s, ids)
			})
			set := withMode(guideSettings(t), tc.mode)
			v := &Validator{Rules: count, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: guideCluster(t, tc.live)},
				Log: logr.Discard()}
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

// Skipping the state before the change never changes a decision: whenever
// needsBefore is false, Decide gives the same answer with the findings
// before the change as without them.
func TestDecideWithoutBeforeWhenNotNeeded(t *testing.T) {
	ref := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	deny := finding("RBAC-007", policy.ActionDeny, 1, `object "/*" never matches`)
	warn := finding("RBAC-010", policy.ActionWarn, 2, "admin grant")
	audit := finding("RBAC-014", policy.ActionAudit, 3, "redundant")
	sets := [][]policy.Finding{nil, {warn}, {audit}, {warn, audit}, {deny}, {deny, warn}, {warn, deny, audit}}
	checked := 0
	for _, mode := range []settings.Mode{settings.ModeEnforce, settings.ModeAudit} {
		for _, after := range sets {
			if needsBefore(mode, after) {
				continue
			}
			for _, before := range sets {
				for _, bg := range []bool{false, true} {
					with, without := Decide(ref, mode, after, before, bg), Decide(ref, mode, after, nil, bg)
					if !reflect.DeepEqual(with, without) {
						t.Errorf("mode %s, after %v, before %v, break-glass %v:\nwith before    %+v\nwithout before %+v",
							mode, ruleIDs(after), ruleIDs(before), bg, with, without)
					}
					checked++
				}
			}
		}
	}
	// enforce: 4 sets without deny; audit: all 7 sets; each against 7 befores, twice.
	if checked != (4+7)*7*2 {
		t.Errorf("checked %d combinations", checked)
	}
	if !needsBefore(settings.ModeEnforce, []policy.Finding{warn, deny}) {
		t.Error("enforce mode with a deny finding must read the state before the change")
	}
}

// TestBeforeRunsOnlyTheDenyingRules: the state before a change is judged
// by the rules that deny after it, and nothing else; every answer equals
// the one of a full second evaluation. Each guide object is changed
// between its variants (and created) over live states of either variant,
// in enforce mode, which is the only mode that reads the state before.
func TestBeforeRunsOnlyTheDenyingRules(t *testing.T) {
	set := withMode(guideSettings(t), settings.ModeEnforce)
	files := []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"}
	variants := []string{"fixed", "as-written"}
	denied, preexisting := 0, 0
	for _, live := range variants {
		reader := guideCluster(t, live)
		only := Handler(&Validator{Rules: catalogue, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: reader}, Log: logr.Discard()}, logr.Discard(), 0)
		// every rule, every time: the ids of the state before are ignored
		all := evaluatorFunc(func(s *policy.Snapshot, _ map[string]bool) ([]policy.Finding, error) { return catalogue.Evaluate(s) })
		full := Handler(&Validator{Rules: all, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: reader}, Log: logr.Discard()},
			logr.Discard(), 0)
		for _, file := range files {
			for _, to := range variants {
				for _, from := range append(variants, "") {
					o := reviewOpts{op: admissionv1.Update, object: guideConfigMap(t, to, file)}
					if from == "" {
						o.op = admissionv1.Create
					} else {
						o.old = guideConfigMap(t, from, file)
					}
					body := reviewJSON(t, o)
					got, want := post(t, only, body), post(t, full, body)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("live %s, %s %s -> %s: answers differ\nonly denying rules: %+v\nall rules:          %+v",
							live, file, from, to, got, want)
					}
					if !want.Allowed {
						denied++
					}
					if strings.Contains(strings.Join(want.Warnings, "\n"), "already live") {
						preexisting++
					}
				}
			}
		}
	}
	if denied == 0 || preexisting == 0 {
		t.Fatalf("the cases must include denials (%d) and live deny findings (%d)", denied, preexisting)
	}
}
