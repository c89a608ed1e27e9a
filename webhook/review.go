package webhook

// One decode per admission. controller-runtime's admission.Webhook decodes
// the review (reading it twice: once for its kind, once for the request)
// and keeps each object as raw JSON, which the handlers then decode again:
// four passes over a body that holds the object twice, most of the work
// of an admission of a large policy. A v1 AdmissionReview for a v1
// ConfigMap, what the API server sends, is decoded here in one
// json.Unmarshal straight into ConfigMaps. Anything else (another kind or
// version, malformed JSON) goes to controller-runtime unchanged, so its
// errors stay as they were.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	k8sjson "sigs.k8s.io/json"
)

// configMapGVK is the only kind argoguard judges.
var configMapGVK = metav1.GroupVersionKind{Group: "", Version: "v1", Kind: "ConfigMap"}

// configMapReview is a v1 AdmissionReview whose objects are ConfigMaps.
type configMapReview struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Request    *configMapRequest `json:"request"`
}

// configMapRequest is an AdmissionRequest with typed objects: its own
// object fields are shallower than the embedded request's, so they win.
type configMapRequest struct {
	admissionv1.AdmissionRequest
	Object    *corev1.ConfigMap `json:"object,omitempty"`
	OldObject *corev1.ConfigMap `json:"oldObject,omitempty"`
}

// decodeConfigMapReview decodes body in one pass when it is a v1
// AdmissionReview of a v1 ConfigMap, as the API server sends it; false for
// anything else, which controller-runtime's decoder then handles. Like
// the API server and controller-runtime, field names match case-sensitively.
func decodeConfigMapReview(body []byte) (admission.Request, bool) {
	var rv configMapReview
	if err := k8sjson.UnmarshalCaseSensitivePreserveInts(body, &rv); err != nil ||
		rv.APIVersion != "admission.k8s.io/v1" || rv.Kind != "AdmissionReview" ||
		rv.Request == nil || rv.Request.Kind != configMapGVK {
		return admission.Request{}, false
	}
	req := admission.Request{AdmissionRequest: rv.Request.AdmissionRequest}
	for _, o := range []struct {
		cm  *corev1.ConfigMap
		ext *runtime.RawExtension
	}{{rv.Request.Object, &req.Object}, {rv.Request.OldObject, &req.OldObject}} {
		if o.cm == nil {
			continue
		}
		if checkConfigMapKind(o.cm) != nil {
			return admission.Request{}, false
		}
		*o.ext = runtime.RawExtension{Object: o.cm}
	}
	return req, true
}

// bodyBuffers recycles request-body buffers: a review is decoded into
// fresh values (strings and raw extensions are copied), so nothing refers
// to its body once it is answered. Buffers of large bodies are dropped
// rather than kept.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBody = 256 << 10

// readBody reads at most max+1 bytes of the request body into a pooled
// buffer, grown once when the client sent Content-Length. The caller
// gives the buffer back with releaseBody once nothing reads the body.
func readBody(r *http.Request, max int64) (*bytes.Buffer, error) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	if n := r.ContentLength; n > 0 {
		buf.Grow(int(min(n, max+1)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(r.Body, max+1))
	return buf, err
}

func releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		bodyBuffers.Put(buf)
	}
}

// writeReview answers with a v1 AdmissionReview holding resp.
func writeReview(w http.ResponseWriter, resp *admissionv1.AdmissionResponse) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(admissionv1.AdmissionReview{TypeMeta: metav1TypeMeta(), Response: resp})
}

// configMapOf returns the ConfigMap of an admission request object: the
// one decodeConfigMapReview decoded, or the raw JSON decoded now.
func configMapOf(ext runtime.RawExtension) (*corev1.ConfigMap, error) {
	if cm, ok := ext.Object.(*corev1.ConfigMap); ok && cm != nil {
		return cm, nil
	}
	return decodeConfigMap(ext.Raw)
}

// decodeConfigMap decodes the raw object of an admission request. It checks
// the kind, so a request for anything else is an error, not a panic.
func decodeConfigMap(raw []byte) (*corev1.ConfigMap, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("admission request has no object")
	}
	var cm corev1.ConfigMap
	if err := k8sjson.UnmarshalCaseSensitivePreserveInts(raw, &cm); err != nil {
		return nil, fmt.Errorf("admission request object is not a ConfigMap: %w", err)
	}
	if err := checkConfigMapKind(&cm); err != nil {
		return nil, err
	}
	return &cm, nil
}

// checkConfigMapKind refuses an object that says it is something else (an
// object without apiVersion and kind is taken as what the request says).
func checkConfigMapKind(cm *corev1.ConfigMap) error {
	if cm.Kind != "" && (cm.Kind != "ConfigMap" || (cm.APIVersion != "v1" && cm.APIVersion != "")) {
		return fmt.Errorf("admission request object is %s %s, not v1 ConfigMap", cm.APIVersion, cm.Kind)
	}
	return nil
}

func metav1TypeMeta() metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}
}
