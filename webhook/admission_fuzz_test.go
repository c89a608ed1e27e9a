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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/webhook"
)

const fuzzGuideDir = "../test/testdata/guide"

// hangAfter is far above the time of any admission, even under -race on a
// busy machine: only a hang exceeds it.
const hangAfter = 30 * time.Second

// fuzzHandlers are the two handlers as the server registers them, over
// the guide's fixed objects as the live state.
func fuzzHandlers(f testing.TB) map[string]http.Handler {
	set, err := settings.Load(filepath.Join(fuzzGuideDir, "argoguard-settings.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	reader := &webhook.StaticReader{}
	for _, file := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		reader.Objects = append(reader.Objects, fuzzConfigMap(f, "fixed", file))
	}
	store, src := webhook.NewStaticSettings(set), &webhook.SnapshotSource{Reader: reader}
	return map[string]http.Handler{
		webhook.ValidatePath: webhook.Handler(&webhook.Validator{Settings: store, Source: src, Log: logr.Discard()}, logr.Discard(), 0),
		webhook.MutatePath:   webhook.Handler(&webhook.Mutator{Settings: store, Source: src, Log: logr.Discard()}, logr.Discard(), 0),
	}
}

func fuzzConfigMap(f testing.TB, variant, file string) *policy.Object {
	raw, err := os.ReadFile(filepath.Join(fuzzGuideDir, variant, file))
	if err != nil {
		f.Fatal(err)
	}
	var cm struct {
		Metadata struct{ Name, Namespace string }
		Data     map[string]string
	}
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		f.Fatal(err)
	}
	return &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: cm.Metadata.Namespace, Name: cm.Metadata.Name}, Data: cm.Data}
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

func cmJSON(f *testing.F, variant, file string) string {
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

func FuzzAdmissionReview(f *testing.F) {
	handlers := fuzzHandlers(f)
	for _, file := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		bad, good := cmJSON(f, "as-written", file), cmJSON(f, "fixed", file)
		o := fuzzConfigMap(f, "fixed", file)
		f.Add(seedReview("UPDATE", o.Ref.Namespace, o.Ref.Name, bad, good))
		f.Add(seedReview("CREATE", o.Ref.Namespace, o.Ref.Name, good, ""))
		f.Add(seedReview("DELETE", o.Ref.Namespace, o.Ref.Name, "", good))
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"request":null}`, `{"request":{}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"CREATE","name":"argocd-rbac-cm","namespace":"argocd","object":{"data":{"policy.csv":"p, role:x, *, *, */*, allow"}}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"UPDATE","name":"argocd-cm","namespace":"argocd","object":{"data":{"dex.config":"a: &a [*a,*a]"}},"oldObject":{}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"Secret"},"operation":"CREATE","name":"argocd-cm","namespace":"argocd","object":{"kind":"Secret"}}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"CONNECT","name":"argocd-cm","namespace":"argocd"}}`,
		`{"request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"UPDATE","name":"argocd-cm","namespace":"argocd","object":{"data":["x"]}}}`,
		"{\"request\":{\"uid\":\"u\",\"kind\":{\"version\":\"v1\",\"kind\":\"ConfigMap\"},\"operation\":\"CREATE\",\"name\":\"argocd-rbac-cm\",\"namespace\":\"argocd\",\"object\":{\"data\":{\"policy.csv\":\"p, \xff\xfe, *, *, */*, allow\"}}}}",
		strings.Repeat(`{"a":`, 10000) + strings.Repeat(`}`, 10000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
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
				t.Fatalf("%s: HTTP %d, answer is not an AdmissionReview: %v\n%s", path, rec.Code, err, rec.Body.String())
			}
			r := review.Response
			if r == nil {
				t.Fatalf("%s: AdmissionReview without a response: %s", path, rec.Body.String())
			}
			if !r.Allowed && (r.Result == nil || r.Result.Message == "") {
				t.Fatalf("%s: refusal without a reason: %s", path, rec.Body.String())
			}
			if sent.Request != nil && sent.Request.UID != "" && r.UID != "" && string(r.UID) != sent.Request.UID {
				t.Fatalf("%s: answer for UID %q to request %q", path, r.UID, sent.Request.UID)
			}
		}
	})
}
