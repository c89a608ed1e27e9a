package webhook

import (
	"encoding/json"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// matchModeDefault is a defaulter in the shape of policy/rules' ones: it
// fills policy.matchMode in the RBAC ConfigMap when the user left it out,
// never overrides a value, and is idempotent.
func matchModeDefault(s *policy.Snapshot, obj *policy.Object) []policy.Patch {
	if obj == nil || obj.Ref.Name != s.Settings.ArgoCD.RBACConfigMap {
		return nil
	}
	if _, set := obj.Data["policy.matchMode"]; set {
		return nil
	}
	return []policy.Patch{{Object: obj.Ref, Key: "policy.matchMode", Value: "glob", Field: "policy.matchMode",
		Reason: "policy.matchMode set to glob (Argo CD's default), so the policy reads the same after upgrades"}}
}

func mutator(set *settings.Settings) *Mutator {
	return &Mutator{Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: guideCluster(nil, "fixed")},
		Log: logr.Discard(), Defaults: matchModeDefaults}
}

// applyResponse applies the response's JSON patch to the request object.
func applyResponse(t *testing.T, cm *corev1.ConfigMap, resp *admissionv1.AdmissionResponse) *corev1.ConfigMap {
	t.Helper()
	orig, _ := json.Marshal(cm)
	if resp.Patch == nil {
		return cm
	}
	if resp.PatchType == nil || *resp.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Fatalf("patch type %v", resp.PatchType)
	}
	p, err := jsonpatch.DecodePatch(resp.Patch)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Apply(orig)
	if err != nil {
		t.Fatal(err)
	}
	var next corev1.ConfigMap
	if err := json.Unmarshal(out, &next); err != nil {
		t.Fatal(err)
	}
	return &next
}

func TestMutatorAppliesDefaultsIdempotently(t *testing.T) {
	set := guideSettings(t)
	h := Handler(mutator(set), logr.Discard(), 0)
	rbac := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	delete(rbac.Data, "policy.matchMode")
	rbac.APIVersion, rbac.Kind = "v1", "ConfigMap"

	resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
	if !resp.Allowed || resp.Patch == nil {
		t.Fatalf("want an allowed patch response, got allowed=%v patch=%s", resp.Allowed, resp.Patch)
	}
	if len(resp.Warnings) != 1 || !strings.HasPrefix(resp.Warnings[0], "argoguard default: policy.matchMode set to glob") {
		t.Errorf("warnings %q", resp.Warnings)
	}
	var ops []map[string]any
	_ = json.Unmarshal(resp.Patch, &ops)
	for _, op := range ops {
		if p := op["path"].(string); p != "/data/policy.matchMode" && !strings.HasPrefix(p, "/metadata/annotations") {
			t.Errorf("patch touches %s: only the default and its annotation may change", p)
		}
	}
	got := applyResponse(t, rbac, resp)
	if got.Data["policy.matchMode"] != "glob" || got.Data["policy.csv"] != rbac.Data["policy.csv"] {
		t.Errorf("defaulted data: %v", got.Data)
	}
	if a := got.Annotations[policy.DefaultedAnnotation]; a != "policy.matchMode:policy.matchMode" {
		t.Errorf("annotation %s = %q", policy.DefaultedAnnotation, a)
	}

	// The defaulted object comes back (e.g. the next apply): nothing to do.
	again := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: got, old: got}))
	if !again.Allowed || again.Patch != nil || len(again.Warnings) != 0 {
		t.Fatalf("second pass not idempotent: patch=%s warnings=%v", again.Patch, again.Warnings)
	}
	// A value the user wrote is never overridden.
	rbac.Data["policy.matchMode"] = "regex"
	if r := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac})); r.Patch != nil {
		t.Fatalf("user value overridden: %s", r.Patch)
	}
}

func TestMutatorRespectsModeAndSwitches(t *testing.T) {
	rbac := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	delete(rbac.Data, "policy.matchMode")
	for _, tc := range []struct {
		name    string
		tweak   func(*settings.Settings)
		patched bool
	}{
		{"enforce", func(*settings.Settings) {}, true},
		{"audit", func(s *settings.Settings) { s.Mode = settings.ModeAudit }, false},
		{"audit with inAudit", func(s *settings.Settings) { s.Mode = settings.ModeAudit; s.Defaults.InAudit = true }, true},
		{"disabled", func(s *settings.Settings) { s.Defaults.Disabled = true }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := guideSettings(t)
			tc.tweak(set)
			resp := post(t, Handler(mutator(set), logr.Discard(), 0), reviewJSON(t, reviewOpts{op: admissionv1.Update, object: rbac, old: rbac}))
			if !resp.Allowed || (resp.Patch != nil) != tc.patched {
				t.Fatalf("allowed=%v patch=%s, want patched=%v", resp.Allowed, resp.Patch, tc.patched)
			}
		})
	}
}

func TestMutatorSurvivesAPanickingDefaulter(t *testing.T) {
	m := mutator(guideSettings(t))
	m.Defaults = mustRegistry(policy.NewRegistry(nil, []policy.Defaulter{{ID: "buggy",
		Default: func(*policy.Snapshot, *policy.Object) []policy.Patch { panic("defaulter bug") }}}))
	rbac := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	resp := post(t, Handler(m, logr.Discard(), 0), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
	if !resp.Allowed || resp.Patch != nil || !strings.Contains(strings.Join(resp.Warnings, ""), "defaults not applied") {
		t.Fatalf("allowed=%v patch=%s warnings=%v", resp.Allowed, resp.Patch, resp.Warnings)
	}
}

// TestRegisteredDefaultersThroughTheMutator runs whatever defaulters
// policy/rules registers over the guide's objects: a patch touches only
// data keys and the defaulted annotation, and the defaulted object passes
// through the mutator again unchanged.
func TestRegisteredDefaultersThroughTheMutator(t *testing.T) {
	set := guideSettings(t)
	for _, variant := range []string{"as-written", "fixed"} {
		m := &Mutator{Defaults: catalogue, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: guideCluster(t, variant)}, Log: logr.Discard()}
		h := Handler(m, logr.Discard(), 0)
		for _, file := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
			cm := guideConfigMap(t, variant, file)
			cm.APIVersion, cm.Kind = "v1", "ConfigMap"
			resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: cm, old: cm}))
			if !resp.Allowed {
				t.Fatalf("%s/%s: mutator refused: %v", variant, file, resp.Result)
			}
			var ops []map[string]any
			_ = json.Unmarshal(resp.Patch, &ops)
			for _, op := range ops {
				if p := op["path"].(string); !strings.HasPrefix(p, "/data") && !strings.HasPrefix(p, "/metadata/annotations") {
					t.Errorf("%s/%s: default patches %s", variant, file, p)
				}
			}
			got := applyResponse(t, cm, resp)
			again := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: got, old: got}))
			if again.Patch != nil {
				t.Errorf("%s/%s: defaults not idempotent; second patch %s", variant, file, again.Patch)
			}
			if len(ops) > 0 {
				t.Logf("%s/%s defaulted: %v", variant, file, resp.Warnings)
			}
		}
	}
}
