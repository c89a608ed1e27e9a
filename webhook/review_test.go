package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	k8sjson "sigs.k8s.io/json"
)

// decodedByControllerRuntime returns the request controller-runtime's
// admission.Webhook decodes from body, or false when it answers with an
// error instead.
func decodedByControllerRuntime(t testing.TB, body []byte) (admission.Request, bool) {
	t.Helper()
	var got *admission.Request
	wh := &admission.Webhook{Handler: admission.HandlerFunc(func(_ context.Context, req admission.Request) admission.Response {
		got = &req
		return admission.Allowed("")
	})}
	hr := httptest.NewRequest(http.MethodPost, ValidatePath, bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	wh.ServeHTTP(httptest.NewRecorder(), hr)
	if got == nil {
		return admission.Request{}, false
	}
	return *got, true
}

// sameDecoding fails unless both requests decode (decodeRequest) to the
// same objects, or to the same error. With exactJSON the object's JSON
// must be equal too; else only what a ConfigMap holds (a fuzzed body may
// carry fields the API server never sends).
func sameDecoding(t *testing.T, fast, slow admission.Request, exactJSON bool) {
	t.Helper()
	rf, errF := decodeRequest(fast)
	rs, errS := decodeRequest(slow)
	if (errF == nil) != (errS == nil) || (errF != nil && errF.Error() != errS.Error()) {
		t.Fatalf("errors differ: one pass %v, controller-runtime %v", errF, errS)
	}
	if errF != nil {
		return
	}
	if !reflect.DeepEqual(rf.object, rs.object) || !reflect.DeepEqual(rf.old, rs.old) || rf.ref != rs.ref ||
		rf.op != rs.op || rf.hasOld != rs.hasOld || rf.username != rs.username {
		t.Fatalf("decoded requests differ:\none pass:          %+v %+v %+v\ncontroller-runtime: %+v %+v %+v", rf, rf.object, rf.old, rs, rs.object, rs.old)
	}
	if fast.UID != slow.UID || !reflect.DeepEqual(fast.UserInfo, slow.UserInfo) || !reflect.DeepEqual(fast.DryRun, slow.DryRun) {
		t.Fatalf("request fields differ:\none pass:          %+v\ncontroller-runtime: %+v", fast.AdmissionRequest, slow.AdmissionRequest)
	}
	if rf.object == nil {
		return
	}
	// The mutator patches the object's JSON: encoded from the decoded
	// ConfigMap it must hold what the API server sent.
	rawF, err := rf.rawObject()
	if err != nil {
		t.Fatal(err)
	}
	rawS, _ := rs.rawObject()
	var mf, ms any = &map[string]any{}, &map[string]any{}
	if !exactJSON {
		mf, ms = &corev1.ConfigMap{}, &corev1.ConfigMap{}
	}
	if err := k8sjson.UnmarshalCaseSensitivePreserveInts(rawF, mf); err != nil {
		t.Fatal(err)
	}
	if err := k8sjson.UnmarshalCaseSensitivePreserveInts(rawS, ms); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mf, ms) {
		t.Fatalf("object JSON differs:\none pass:           %s\ncontroller-runtime: %s", rawF, rawS)
	}
}

// TestOneDecodeEqualsControllerRuntime: what the one-pass decoding hands
// the handlers equals what they get from controller-runtime's decoder,
// for the guide's objects and every operation.
func TestOneDecodeEqualsControllerRuntime(t *testing.T) {
	fixed := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	written := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	cm := guideConfigMap(t, "as-written", "argocd-cm.yaml")
	cm.Labels = map[string]string{"app.kubernetes.io/part-of": "argocd"}
	cm.Annotations = map[string]string{"note": "x"}
	cm.BinaryData = map[string][]byte{"blob": {0, 1, 2}}
	cm.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}
	noNamespace := fixed.DeepCopy()
	noNamespace.Namespace = ""
	bodies := map[string][]byte{
		"update":          reviewJSON(t, reviewOpts{op: admissionv1.Update, object: written, old: fixed, dryRun: true, groups: []string{"devs"}}),
		"create":          reviewJSON(t, reviewOpts{op: admissionv1.Create, object: cm}),
		"delete":          reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: fixed}),
		"no namespace":    reviewJSON(t, reviewOpts{op: admissionv1.Create, object: noNamespace}),
		"workflows":       reviewJSON(t, reviewOpts{op: admissionv1.Update, object: guideConfigMap(t, "as-written", "workflow-controller-configmap.yaml"), old: guideConfigMap(t, "fixed", "workflow-controller-configmap.yaml")}),
		"object no kind":  bytes.Replace(reviewJSON(t, reviewOpts{op: admissionv1.Create, object: cm}), []byte(`"kind":"ConfigMap","apiVersion":"v1",`), nil, 1),
		"update, no data": reviewJSON(t, reviewOpts{op: admissionv1.Update, object: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "argocd-cm", Namespace: "argocd"}}, old: cm}),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			fast, ok := decodeConfigMapReview(body)
			if !ok {
				t.Fatalf("the API server's review was not decoded in one pass:\n%s", body)
			}
			slow, ok := decodedByControllerRuntime(t, body)
			if !ok {
				t.Fatal("controller-runtime refused the review")
			}
			sameDecoding(t, fast, slow, true)
		})
	}
}

// TestOtherReviewsGoToControllerRuntime: reviews the one-pass decoding
// does not take keep controller-runtime's handling and its errors.
func TestOtherReviewsGoToControllerRuntime(t *testing.T) {
	cm := guideConfigMap(t, "fixed", "argocd-cm.yaml")
	create := string(reviewJSON(t, reviewOpts{op: admissionv1.Create, object: cm}))
	tests := map[string]struct {
		body string
		want string // in the error message; "" for an allowed answer
	}{
		"v1beta1 review":     {strings.Replace(create, "admission.k8s.io/v1", "admission.k8s.io/v1beta1", 1), ""},
		"a Deployment":       {strings.Replace(create, `"kind":{"group":"","version":"v1","kind":"ConfigMap"}`, `"kind":{"group":"apps","version":"v1","kind":"Deployment"}`, 1), "apps/v1, Kind=Deployment"},
		"object says Secret": {strings.Replace(create, `"kind":"ConfigMap","apiVersion":"v1"`, `"kind":"Secret","apiVersion":"v1"`, 1), "not v1 ConfigMap"},
		"data not strings":   {strings.Replace(create, `"data":{`, `"data":{"n":1,`, 1), "not a ConfigMap"},
		"malformed JSON":     {create[:len(create)/2], "unexpected end of JSON input"},
	}
	h := validator(guideSettings(t), cluster())
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, ok := decodeConfigMapReview([]byte(tt.body)); ok && tt.want != "" {
				t.Fatal("taken by the one-pass decoding")
			}
			resp := post(t, h, []byte(tt.body))
			msg := ""
			if resp.Result != nil {
				msg = resp.Result.Message
			}
			if tt.want == "" && !resp.Allowed {
				t.Fatalf("refused: %s", msg)
			}
			if tt.want != "" && (resp.Allowed || !strings.Contains(msg, tt.want)) {
				t.Fatalf("answer %v %q, want an error containing %q", resp.Allowed, msg, tt.want)
			}
		})
	}
}

// FuzzOneDecode: whatever the one-pass decoding takes, controller-runtime
// decodes too, and the handlers see the same request either way. One
// known difference is left out: a review that repeats "object" or
// "oldObject" (the API server never does) gets the repeats merged in one
// pass, while controller-runtime keeps the last.
//
//	go test -run '^$' -fuzz FuzzOneDecode -fuzztime 30s -fuzzminimizetime 0 ./webhook/
func FuzzOneDecode(f *testing.F) {
	fixed := guideConfigMap(f, "fixed", "argocd-rbac-cm.yaml")
	f.Add(reviewJSON(f, reviewOpts{op: admissionv1.Update, object: guideConfigMap(f, "as-written", "argocd-rbac-cm.yaml"), old: fixed}))
	f.Add(reviewJSON(f, reviewOpts{op: admissionv1.Delete, old: fixed}))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"CREATE","object":{"data":{"a":"b"},"Data":{"c":"d"}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := decodeConfigMapReview(body)
		if !ok || repeatsObjectKey(body) {
			return
		}
		slow, ok := decodedByControllerRuntime(t, body)
		if !ok {
			t.Fatalf("taken in one pass, refused by controller-runtime:\n%s", body)
		}
		sameDecoding(t, fast, slow, false)
	})
}

// repeatsObjectKey reports whether body's request (or requests) name
// "object" or "oldObject" more than once, escapes decoded.
func repeatsObjectKey(body []byte) bool {
	counts := map[string]int{}
	_ = countRequestKeys(json.NewDecoder(bytes.NewReader(body)), true, false, counts)
	return counts["object"] > 1 || counts["oldObject"] > 1
}

// countRequestKeys reads one JSON value and counts the keys of the objects
// under the top-level "request" key.
func countRequestKeys(dec *json.Decoder, top, request bool, counts map[string]int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar
	}
	for dec.More() {
		isRequest := false
		if d == '{' {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			if request {
				counts[k]++
			}
			isRequest = top && k == "request"
		}
		if err := countRequestKeys(dec, false, isRequest, counts); err != nil {
			return err
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}
