package main

// In-process benchmarks of argoguard's validating and mutating handlers
// (HTTP handler included: decoding, body limit, evaluation or defaulting,
// response) on the load test's bodies, for pprof:
//
//	go test -run '^$' -bench Handler -benchmem -cpuprofile cpu.out ./test/load/
//
// and a check that the work per admission is flat in the number of objects
// the cluster holds that argoguard does not guard.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/test/load/gen"
	"github.com/argoguard/argoguard/webhook"
)

const testGuideDir = "../testdata/guide"

// liveObjects are the guide's fixed ConfigMaps, the live state the load
// test's control plane holds, with the guide's fixed AppProject and
// rbac-rule ServiceAccounts, plus n ConfigMaps argoguard does not guard.
func liveObjects(tb testing.TB, unrelated int) *snapshot.StaticReader {
	tb.Helper()
	fixed, err := manifest.Load(loadSettings(tb), nil, filepath.Join(testGuideDir, "sso-rbac", "fixed"))
	if err != nil {
		tb.Fatal(err)
	}
	r := &snapshot.StaticReader{Objects: append(fixed.Projects, fixed.ServiceAccounts...)}
	for _, f := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		o, err := manifest.ReadConfigMap(filepath.Join(testGuideDir, "fixed", f))
		if err != nil {
			tb.Fatal(err)
		}
		r.Objects = append(r.Objects, o)
	}
	for i := 0; i < unrelated; i++ {
		r.Objects = append(r.Objects, &policy.Object{
			Ref:  policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: fmt.Sprintf("unrelated-%d", i)},
			Data: map[string]string{"policy.csv": "p, role:x, applications, get, */*, allow"},
		})
	}
	return r
}

// loadSettings are the settings the load test writes: the guide's, with
// the generated policies' groups known.
func loadSettings(tb testing.TB) *settings.Settings {
	tb.Helper()
	path, err := writeSettings(testGuideDir, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	s, err := settingsfile.Load(path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func deps(tb testing.TB, reader snapshot.Reader) webhook.Deps {
	return webhook.Deps{Settings: webhook.NewStaticSettings(loadSettings(tb)),
		Source: &snapshot.Source{Reader: reader}, Rules: rules.MustNewRegistry(), Log: logr.Discard()}
}

func validateHandler(tb testing.TB, reader snapshot.Reader) http.Handler {
	return webhook.Handler(webhook.NewValidator(deps(tb, reader), nil), logr.Discard(), 0)
}

// argoguardHandlers serves each endpoint as the webhook binary does.
func argoguardHandlers(tb testing.TB, reader snapshot.Reader) map[string]http.Handler {
	return map[string]http.Handler{
		"validate": validateHandler(tb, reader),
		"mutate":   webhook.Handler(webhook.NewMutator(deps(tb, reader)), logr.Discard(), 0),
	}
}

func testBodies(tb testing.TB) []body {
	tb.Helper()
	bodies, err := writeBodies(testGuideDir, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return bodies
}

func serve(h http.Handler, data []byte) int {
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// BenchmarkHandler runs each body through argoguard's validating handler
// and, as the baseline, through controller-runtime's admission handler with
// a handler that allows everything (what the no-op server runs). Without
// TLS and the network, the difference is argoguard's own work per
// admission, free of the scheduling noise of a busy machine.
func BenchmarkHandler(b *testing.B) {
	argoguard := argoguardHandlers(b, liveObjects(b, 0))
	noop := &admission.Webhook{Handler: admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
		return admission.Allowed("")
	})}
	for _, bd := range testBodies(b) {
		data, err := os.ReadFile(bd.Path)
		if err != nil {
			b.Fatal(err)
		}
		for _, server := range []string{"noop", "argoguard"} {
			var h http.Handler = noop
			if server == "argoguard" {
				h = argoguard[bd.Endpoint]
			}
			b.Run(bd.Name+"/"+server, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if code := serve(h, data); code != http.StatusOK {
						b.Fatalf("HTTP %d", code)
					}
				}
			})
		}
	}
}

// One admission allocates the same with 3 or with 3,003 ConfigMaps in the
// cluster: argoguard reads the guarded objects by name and nothing else.
func TestHandlerAllocationsFlatInUnrelatedObjects(t *testing.T) {
	bodies := testBodies(t)
	for _, bd := range bodies[:5] { // the guide's objects (validated, mutated) and the 10-line policy
		data, err := os.ReadFile(bd.Path)
		if err != nil {
			t.Fatal(err)
		}
		allocs := func(unrelated int) float64 {
			h := argoguardHandlers(t, liveObjects(t, unrelated))[bd.Endpoint]
			return testing.AllocsPerRun(20, func() {
				if code := serve(h, data); code != http.StatusOK {
					t.Fatalf("HTTP %d", code)
				}
			})
		}
		few, many := allocs(0), allocs(3000)
		t.Logf("%s: %.0f allocations per admission with 0 unrelated ConfigMaps, %.0f with 3,000", bd.Name, few, many)
		if many > few+100 { // slack for map iteration order; a per-object cost adds thousands
			t.Errorf("%s: allocations grow with unrelated objects: %.0f with 0, %.0f with 3,000", bd.Name, few, many)
		}
	}
}

// The generator makes exactly the number of lines asked for, and the
// settings know every group it binds (so the load test measures a clean
// policy, not 10,000 findings).
func TestGeneratedPolicyIsClean(t *testing.T) {
	set := loadSettings(t)
	for _, n := range policyLineCounts {
		text := gen.PolicyCSV(n)
		if got := bytes.Count([]byte(text), []byte("\n")); got != n {
			t.Errorf("PolicyCSV(%d) has %d lines", n, got)
		}
		for _, g := range gen.Groups(n) {
			if _, ok := set.GroupByID(g.ID); !ok {
				t.Fatalf("group %s of the %d-line policy unknown to the settings", g.ID, n)
			}
		}
	}
}

// The mutating body measures defaulting, not a pass-through: the guide's
// argocd-cm leaves out fields the mutating webhook fills in.
func TestMutateBodyIsPatched(t *testing.T) {
	h := argoguardHandlers(t, liveObjects(t, 0))["mutate"]
	n := 0
	for _, bd := range testBodies(t) {
		if bd.Endpoint != "mutate" {
			continue
		}
		n++
		data, err := os.ReadFile(bd.Path)
		if err != nil {
			t.Fatal(err)
		}
		r := answer(t, h, bd.Name, data)
		if !r.Allowed || len(r.Patch) == 0 {
			t.Errorf("%s: allowed=%v with %d bytes of patch, want an allowed, patched answer", bd.Name, r.Allowed, len(r.Patch))
		}
	}
	if n == 0 {
		t.Fatal("the load test sends nothing to the mutating webhook")
	}
}

// The AppProject and ServiceAccount bodies measure a real judgement: the
// guide's display names are denied with the rule that says so.
func TestRBACObjectBodiesAreJudged(t *testing.T) {
	h := argoguardHandlers(t, liveObjects(t, 0))["validate"]
	want := map[string]string{"guide AppProject": "PROJ-004", "guide rbac-rule ServiceAccount": "WFSA-002"}
	for _, bd := range testBodies(t) {
		rule, ok := want[bd.Name]
		if !ok {
			continue
		}
		delete(want, bd.Name)
		data, err := os.ReadFile(bd.Path)
		if err != nil {
			t.Fatal(err)
		}
		r := answer(t, h, bd.Name, data)
		if r.Allowed || r.Result == nil || !strings.Contains(r.Result.Message, rule) {
			t.Errorf("%s: allowed=%v, result %+v; want a denial naming %s", bd.Name, r.Allowed, r.Result, rule)
		}
	}
	for name := range want {
		t.Errorf("the load test sends no %q body", name)
	}
}

// answer posts one body to h and returns the AdmissionReview's response.
func answer(t *testing.T, h http.Handler, name string, data []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil || review.Response == nil {
		t.Fatalf("%s: answer is not an AdmissionReview (%v): %s", name, err, rec.Body)
	}
	return review.Response
}
