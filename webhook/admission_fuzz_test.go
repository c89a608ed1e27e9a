package webhook_test

// Fuzzing of the admission decoding path: any bytes POSTed as an
// AdmissionReview to /validate or /mutate get a well-formed AdmissionReview
// answer (never a panic, never an empty or non-JSON reply), and an answer
// for a request that carries a UID names that UID.
//
//	go test -run '^$' -fuzz FuzzAdmissionReview -fuzztime 30s ./webhook/

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

const fuzzGuideDir = "../test/testdata/guide"

// hangAfter is far above the time of any admission, even under -race on a
// busy machine: only a hang exceeds it.
const hangAfter = 30 * time.Second

// fuzzHandlers are the two handlers as the server registers them, over
// the guide's fixed objects as the live state.
func fuzzHandlers(f testing.TB) map[string]http.Handler {
	set, err := settingsfile.Load(filepath.Join(fuzzGuideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		f.Fatal(err)
	}
	reader := &snapshot.StaticReader{}
	for _, file := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		reader.Objects = append(reader.Objects, fuzzConfigMap(f, "fixed", file))
	}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(set), Source: &snapshot.Source{Reader: reader},
		Rules: rules.MustNewRegistry(), Log: logr.Discard()}
	return map[string]http.Handler{
		webhook.ValidatePath: webhook.Handler(webhook.NewValidator(deps, nil), logr.Discard(), 0),
		webhook.MutatePath:   webhook.Handler(webhook.NewMutator(deps), logr.Discard(), 0),
	}
}

func fuzzConfigMap(f testing.TB, variant, file string) *policy.Object {
	o, err := manifest.ReadConfigMap(filepath.Join(fuzzGuideDir, variant, file))
	if err != nil {
		f.Fatal(err)
	}
	return o
}

// seedReview is an AdmissionReview as the API server sends it, with the
// object and old object given as JSON (empty: absent).
func seedReview(op, namespace, name, object, old string) []byte {
	var b strings.Builder
	b.WriteString(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"7f0c7d4e-1b7a-4a8e-9f55-3c2d1e0f9a8b",`)
	b.WriteString(`"kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},`)
	b.WriteString(`"name":"` + name + `","namespace":"` + namespace + `","operation":"` + op + `",`)
	b.WriteString(`"userInfo":{"username":"fuzz","groups":["system:authenticated"]}`)
	if object != "" {
		b.WriteString(`,"object":` + object)
	}
	if old != "" {
		b.WriteString(`,"oldObject":` + old)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

func cmJSON(f testing.TB, variant, file string) string {
	o := fuzzConfigMap(f, variant, file)
	data, err := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": o.Ref.Name, "namespace": o.Ref.Namespace},
		"data":     o.Data,
	})
	if err != nil {
		f.Fatal(err)
	}
	return string(data)
}

// checkAnswer POSTs body to every handler and fails t unless each answers
// in time with a well-formed AdmissionReview: a response, a reason for a
// refusal, and the request's UID when it had one.
func checkAnswer(t *testing.T, handlers map[string]http.Handler, body []byte) {
	t.Helper()
	var sent struct {
		Request *struct {
			UID string `json:"uid"`
		} `json:"request"`
	}
	_ = json.Unmarshal(body, &sent)
	for path, h := range handlers {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); h.ServeHTTP(rec, req) }()
		select {
		case <-done:
		case <-time.After(hangAfter):
			t.Fatalf("%s: no answer within %s (hang) for body %.300q", path, hangAfter, body)
		}
		var review admissionv1.AdmissionReview
		if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil {
			t.Fatalf("%s: HTTP %d, answer is not an AdmissionReview: %v\n%.2000s", path, rec.Code, err, rec.Body.String())
		}
		r := review.Response
		if r == nil {
			t.Fatalf("%s: AdmissionReview without a response: %.2000s", path, rec.Body.String())
		}
		if !r.Allowed && (r.Result == nil || r.Result.Message == "") {
			t.Fatalf("%s: refusal without a reason: %.2000s", path, rec.Body.String())
		}
		if sent.Request != nil && sent.Request.UID != "" && r.UID != "" && string(r.UID) != sent.Request.UID {
			t.Fatalf("%s: answer for UID %q to request %q", path, r.UID, sent.Request.UID)
		}
	}
}

// The guide's objects as the API server sends them, and large hostile
// reviews, answered well. They are kept out of the fuzzer's seeds: from
// guide-sized seeds `go test -fuzz` made almost no progress on this
// machine (the instrumented binary is large), while small seeds fuzz at
// hundreds of inputs per second.
func TestAdmissionReviewAnswersForGuideAndLargeInputs(t *testing.T) {
	handlers := fuzzHandlers(t)
	bodies := map[string][]byte{}
	for _, file := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		bad, good := cmJSON(t, "as-written", file), cmJSON(t, "fixed", file)
		o := fuzzConfigMap(t, "fixed", file)
		bodies["UPDATE "+file] = seedReview("UPDATE", o.Ref.Namespace, o.Ref.Name, bad, good)
		bodies["CREATE "+file] = seedReview("CREATE", o.Ref.Namespace, o.Ref.Name, good, "")
		bodies["DELETE "+file] = seedReview("DELETE", o.Ref.Namespace, o.Ref.Name, "", good)
	}
	bodies["JSON nested 10,000 deep"] = []byte(strings.Repeat(`{"a":`, 10000) + strings.Repeat(`}`, 10000))
	bodies["policy line of 100,000 characters"] = seedReview("CREATE", "argocd", "argocd-rbac-cm",
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"argocd-rbac-cm","namespace":"argocd"},"data":{"policy.csv":"p`+strings.Repeat("x", 100000)+`\n"}}`, "")
	bodies["sso nested 20,000 deep"] = seedReview("CREATE", "argo", "workflow-controller-configmap",
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"workflow-controller-configmap","namespace":"argo"},"data":{"sso":"issuer: `+strings.Repeat("[", 20000)+strings.Repeat("]", 20000)+`"}}`, "")
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) { checkAnswer(t, handlers, body) })
	}
}

func FuzzAdmissionReview(f *testing.F) {
	handlers := fuzzHandlers(f)
	small := func(op, ns, name, data string) []byte {
		return seedReview(op, ns, name, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"`+name+`","namespace":"`+ns+`"},"data":`+data+`}`, "")
	}
	f.Add(small("CREATE", "argocd", "argocd-rbac-cm", `{"policy.csv":"p, role:dev, applications, sync, team-*/*, allow\ng, a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15, role:dev\n","policy.default":"role:readonly","scopes":"[groups]"}`))
	f.Add(small("CREATE", "argocd", "argocd-cm", `{"url":"https://argocd.example.com","dex.config":"connectors:\n- type: saml\n  id: aws\n  name: AWS\n  config:\n    ssoURL: https://portal.sso.example.com/saml\n"}`))
	f.Add(small("CREATE", "argo", "workflow-controller-configmap", `{"sso":"issuer: https://argocd.example.com/api/dex\nclientId:\n  name: argo-workflows-sso\n  key: client-id\nredirectUrl: https://workflows.example.com/oauth2/callback\n"}`))
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"request":null}`, `{"request":{}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"CREATE","name":"argocd-rbac-cm","namespace":"argocd","object":{"data":{"policy.csv":"p, role:x, *, *, */*, allow"}}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"UPDATE","name":"argocd-cm","namespace":"argocd","object":{"data":{"dex.config":"a: &a [*a,*a]"}},"oldObject":{}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"Secret"},"operation":"CREATE","name":"argocd-cm","namespace":"argocd","object":{"kind":"Secret"}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"CONNECT","name":"argocd-cm","namespace":"argocd"}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"UPDATE","name":"argocd-cm","namespace":"argocd","object":{"data":["x"]}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"DELETE","name":"argocd-rbac-cm","namespace":"argocd","oldObject":{"data":{"policy.csv":"g, x, role:admin"}}}}`,
		"{\"request\":{\"uid\":\"u\",\"kind\":{\"version\":\"v1\",\"kind\":\"ConfigMap\"},\"operation\":\"CREATE\",\"name\":\"argocd-rbac-cm\",\"namespace\":\"argocd\",\"object\":{\"data\":{\"policy.csv\":\"p, \xff\xfe, *, *, */*, allow\"}}}}",
		// The AppProjects and rbac-rule ServiceAccounts the validator judges.
		`{"request":{"uid":"u","kind":{"group":"argoproj.io","version":"v1alpha1","kind":"AppProject"},"operation":"CREATE","name":"team-a","namespace":"argocd","object":{"kind":"AppProject","metadata":{"name":"team-a","namespace":"argocd"},"spec":{"roles":[{"name":"dev","policies":["p, proj:team-a:dev, applications, get, team-a/*, allow"],"groups":["argocd-developers"]}]}}}}`,
		`{"request":{"uid":"u","kind":{"group":"argoproj.io","version":"v1alpha1","kind":"AppProject"},"operation":"UPDATE","name":"team-a","namespace":"argocd","object":{"spec":{"roles":"x"}},"oldObject":null}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ServiceAccount"},"operation":"CREATE","name":"argo-admin","namespace":"argo","object":{"metadata":{"name":"argo-admin","namespace":"argo","annotations":{"workflows.argoproj.io/rbac-rule":"'x' in groups &&","workflows.argoproj.io/rbac-rule-precedence":"9999999999999999999"}}}}}`,
		// Their deletes: with the old object, and without one (judged
		// against the live object).
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ServiceAccount"},"operation":"DELETE","name":"argo-admin","namespace":"argo","oldObject":{"metadata":{"name":"argo-admin","namespace":"argo","annotations":{"workflows.argoproj.io/rbac-rule":"true","workflows.argoproj.io/rbac-rule-precedence":"5"}}}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ServiceAccount"},"operation":"DELETE","name":"argo-admin","namespace":"argo"}}`,
		`{"request":{"uid":"u","kind":{"group":"argoproj.io","version":"v1alpha1","kind":"AppProject"},"operation":"DELETE","name":"team-a","namespace":"argocd","oldObject":{"spec":{"roles":[{"name":"dev","groups":["g"]}]}}}}`,
		`{"request":{"uid":"u","kind":{"group":"argoproj.io","version":"v1alpha1","kind":"AppProject"},"operation":"DELETE","name":"team-a","namespace":"argocd","oldObject":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkAnswer(t, handlers, body) })
}
