package webhook

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

func TestMalformedRequestsAreErrorsNotPanics(t *testing.T) {
	set := guideSettings(t)
	h := validator(set, guideCluster(t, "fixed"))
	good := reviewJSON(t, reviewOpts{op: admissionv1.Create, object: guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")})
	edit := func(f func(map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m["request"].(map[string]any))
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name, body, want string
		code             int32
	}{
		{"not JSON", "{not json", "", http.StatusBadRequest},
		{"empty review", "{}", "", http.StatusBadRequest},
		{"wrong kind", string(edit(func(r map[string]any) {
			r["kind"] = map[string]any{"group": "", "version": "v1", "kind": "Secret"}
		})), "v1 ConfigMaps", http.StatusBadRequest},
		{"missing object", string(edit(func(r map[string]any) { delete(r, "object") })), "no object", http.StatusBadRequest},
		{"object of another kind", string(edit(func(r map[string]any) {
			r["object"] = map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "argocd-rbac-cm"}}
		})), "not v1 ConfigMap", http.StatusBadRequest},
		{"data not a map", string(edit(func(r map[string]any) {
			r["object"].(map[string]any)["data"] = []any{"x"}
		})), "not a ConfigMap", http.StatusBadRequest},
		{"unknown operation", string(edit(func(r map[string]any) { r["operation"] = "CONNECT" })), "CONNECT", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := post(t, h, []byte(tc.body))
			if resp.Allowed {
				t.Fatal("malformed request allowed")
			}
			if resp.Result == nil || resp.Result.Code != tc.code || !strings.Contains(resp.Result.Message, tc.want) {
				t.Fatalf("want code %d with %q, got %+v", tc.code, tc.want, resp.Result)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	set := guideSettings(t)
	v := &Validator{Rules: catalogue, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: guideCluster(t, "fixed")}, Log: logr.Discard()}
	rbac := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	body := reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac})

	h := Handler(v, logr.Discard(), int64(len(body)))
	if resp := post(t, h, body); !resp.Allowed {
		t.Fatalf("a body of exactly the limit was refused: %v", resp.Result)
	}
	h = Handler(v, logr.Discard(), int64(len(body))-1)
	resp := post(t, h, body)
	if resp.Allowed || resp.Result.Code != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Result.Message, "larger than") {
		t.Fatalf("oversized body: %+v", resp.Result)
	}

	req := httptest.NewRequest(http.MethodPost, "/validate", http.NoBody)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	Handler(v, logr.Discard(), 0).ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "empty") {
		t.Fatalf("empty body: %s", rec.Body.String())
	}
}

// panicking is a real registry with one rule that panics.
var panicking = mustRegistry(policy.NewRegistry([]policy.Rule{{ID: "RBAC-999", Title: "panics",
	Severity: policy.SeverityLow, Action: policy.ActionDeny,
	Check: func(*policy.Snapshot) []policy.Finding {
		var m map[string]int
		m["boom"]++ // nil map write: a real runtime panic
		return nil
	}}}, nil))

func TestPanickingRuleFollowsTheFailurePolicy(t *testing.T) {
	rbac := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	for _, mode := range []settings.Mode{settings.ModeEnforce, settings.ModeAudit} {
		v := &Validator{Rules: panicking, Settings: NewStaticSettings(withMode(guideSettings(t), mode)),
			Source: &snapshot.Source{Reader: guideCluster(t, "fixed")}, Log: logr.Discard()}
		resp := post(t, Handler(v, logr.Discard(), 0), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
		switch mode {
		case settings.ModeEnforce:
			if resp.Allowed || !strings.Contains(resp.Result.Message, "rule RBAC-999 failed") {
				t.Errorf("enforce: want a denial naming the rule, got allowed=%v %+v", resp.Allowed, resp.Result)
			}
		case settings.ModeAudit:
			if !resp.Allowed || !strings.Contains(strings.Join(resp.Warnings, " "), "RBAC-999") {
				t.Errorf("audit: want allowed with a warning naming the rule, got allowed=%v %v", resp.Allowed, resp.Warnings)
			}
		}
	}
}
