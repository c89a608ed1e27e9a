package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/internal/guidetest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

const guideDir = "../test/testdata/guide"

// guideConfigMap reads one ConfigMap of the guide (as-written or fixed).
func guideConfigMap(t testing.TB, variant, file string) *corev1.ConfigMap {
	data, err := os.ReadFile(filepath.Join(guideDir, variant, file))
	if err == nil {
		var cm corev1.ConfigMap
		if err = yaml.UnmarshalStrict(data, &cm); err == nil {
			return &cm
		}
	}
	if t == nil {
		panic(err)
	}
	t.Helper()
	t.Fatalf("%s/%s: %v", variant, file, err)
	return nil
}

func guideSettings(t testing.TB) *settings.Settings { return guidetest.Settings(t) }

// cluster is the live state the handlers read: the guide's objects.
func cluster(cms ...*corev1.ConfigMap) *snapshot.StaticReader {
	r := &snapshot.StaticReader{}
	for _, cm := range cms {
		r.Objects = append(r.Objects, snapshot.ConfigMapObject(cm))
	}
	return r
}

type reviewOpts struct {
	op     admissionv1.Operation
	object *corev1.ConfigMap
	old    *corev1.ConfigMap
	user   string
	groups []string
	dryRun bool
	uid    string
}

// reviewJSON renders an AdmissionReview as the API server sends it.
func reviewJSON(t testing.TB, o reviewOpts) []byte {
	t.Helper()
	raw := func(cm *corev1.ConfigMap) runtime.RawExtension {
		if cm == nil {
			return runtime.RawExtension{}
		}
		c := cm.DeepCopy()
		c.APIVersion, c.Kind = "v1", "ConfigMap"
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return runtime.RawExtension{Raw: b}
	}
	ref := o.object
	if ref == nil {
		ref = o.old
	}
	uid := o.uid
	if uid == "" {
		uid = "0d5d8b5e-6a3c-4a5b-9d7e-1f2a3b4c5d6e"
	}
	user := o.user
	if user == "" {
		user = "kubernetes-admin"
	}
	gvk := metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	gvr := metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	ar := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID(uid), Kind: gvk, Resource: gvr, RequestKind: &gvk, RequestResource: &gvr,
			Name: ref.Name, Namespace: ref.Namespace, Operation: o.op,
			UserInfo:  authenticationv1.UserInfo{Username: user, Groups: append(o.groups, "system:authenticated")},
			Object:    raw(o.object),
			OldObject: raw(o.old),
			DryRun:    &o.dryRun,
		},
	}
	b, err := json.Marshal(ar)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends body to h as the API server does and decodes the answer.
func post(t testing.TB, h http.Handler, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &ar); err != nil {
		t.Fatalf("response is not an AdmissionReview: %v\n%s", err, rec.Body.String())
	}
	if ar.Response == nil {
		t.Fatalf("AdmissionReview without response: %s", rec.Body.String())
	}
	return ar.Response
}

func validator(set *settings.Settings, reader snapshot.Reader) http.Handler {
	v := &Validator{Rules: catalogue, Parses: policy.NewParseCache(parseCacheSize), Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: reader}, Log: logr.Discard()}
	return Handler(v, logr.Discard(), DefaultMaxRequestBytes)
}

func withMode(s *settings.Settings, m settings.Mode) *settings.Settings {
	c := *s
	c.Mode = m
	return &c
}

// catalogue is the rule registry as cmd/webhook builds it.
var catalogue = rules.MustNewRegistry()

// matchModeDefaults is a registry whose only defaulter is matchModeDefault.
var matchModeDefaults = mustRegistry(policy.NewRegistry(nil, []policy.Defaulter{{ID: "match-mode", Default: matchModeDefault}}))

func mustRegistry(r *policy.Registry, err error) *policy.Registry {
	if err != nil {
		panic(err)
	}
	return r
}

// evaluatorFunc adapts a function to Evaluator, for tests that count,
// block or break evaluations around the real registry.
type evaluatorFunc func(s *policy.Snapshot, ids map[string]bool) ([]policy.Finding, error)

func (f evaluatorFunc) EvaluateOnly(s *policy.Snapshot, ids map[string]bool) ([]policy.Finding, error) {
	return f(s, ids)
}

// The informer-backed reader is a snapshot.Reader like the CLI's.
var _ snapshot.Reader = (*ClusterReader)(nil)
