package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// Paths on the webhook server.
const (
	ValidatePath = "/validate"
	MutatePath   = "/mutate"
)

// DefaultMaxRequestBytes bounds an AdmissionReview body: a ConfigMap is at
// most 1 MiB, and a review holds the object and its old version.
const DefaultMaxRequestBytes = 3 << 20

// Deps is what argoguard's parts share; controllers added with a
// ControllerFunc (the audit controller) get it.
type Deps struct {
	Settings *SettingsStore
	Source   *snapshot.Source
	// Rules is the validated catalogue every part judges with.
	Rules *policy.Registry
	Log   logr.Logger
	// Changes tells of changes to the guarded objects (the ClusterReader's
	// informer events); nil where nothing watches them.
	Changes ChangeNotifier
}

// ChangeNotifier calls its subscribers with each guarded object that
// changed. ClusterReader is one.
type ChangeNotifier interface {
	OnChange(func(policy.ObjectRef))
}

// parseCacheSize bounds the Validator's cache of parsed ConfigMaps and
// decoded certificate bundles: one admission parses the changed object
// twice (after, before), the other guarded objects once and the bundles
// of dex.config's connectors, and a few admissions run at once. A parsed
// 10,000-line policy keeps a few MiB; a bundle a few KiB.
const parseCacheSize = 8

// ControllerFunc adds a controller (or any Runnable) to the manager.
// cmd/webhook lists the background controllers (the audit controller) at a
// marked spot.
type ControllerFunc func(mgr manager.Manager, deps Deps) error

// Register adds the validating and mutating handlers to the manager's
// webhook server, each behind a body-size limit, both behind one gate of
// maxConcurrent admissions at once.
func Register(mgr manager.Manager, deps Deps, maxRequestBytes int64, maxConcurrent int) {
	srv := mgr.GetWebhookServer()
	gate := NewGate(maxConcurrent)
	srv.Register(ValidatePath, GatedHandler(NewValidator(deps, mgr.GetEventRecorder("argoguard")), deps.Log, maxRequestBytes, gate))
	srv.Register(MutatePath, GatedHandler(NewMutator(deps), deps.Log, maxRequestBytes, gate))
}

// NewValidator returns the validating handler as the webhook runs it: the
// registry of deps, with a parse cache of its own (see parseCacheSize).
func NewValidator(deps Deps, events EventRecorder) *Validator {
	return &Validator{Settings: deps.Settings, Source: deps.Source, Rules: deps.Rules,
		Parses: policy.NewParseCache(parseCacheSize), Log: deps.Log.WithName("validate"), Events: events}
}

// NewMutator returns the mutating handler with the defaulters of deps'
// registry.
func NewMutator(deps Deps) *Mutator {
	return &Mutator{Settings: deps.Settings, Source: deps.Source, Defaults: deps.Rules, Log: deps.Log.WithName("mutate")}
}

// Handler wraps an admission handler for HTTP: it refuses bodies over
// maxRequestBytes with a clear message, decodes the API server's reviews
// of ConfigMaps in one pass (decodeConfigMapReview), and leaves everything
// else to controller-runtime, which checks the content type and decodes
// any review. Either way controller-runtime's Webhook.Handle recovers
// panics and completes the response.
func Handler(h admission.Handler, log logr.Logger, maxRequestBytes int64) http.Handler {
	return GatedHandler(h, log, maxRequestBytes, nil)
}

// GatedHandler is Handler whose admissions take a slot of gate (nil: no
// cap) before their body is read, and give it back once answered. One
// that finds no slot within its wait (waitContext) is answered with a
// GateFullError, and the API server applies the failure policy.
func GatedHandler(h admission.Handler, log logr.Logger, maxRequestBytes int64, gate *Gate) http.Handler {
	if maxRequestBytes <= 0 {
		maxRequestBytes = DefaultMaxRequestBytes
	}
	wh := &admission.Webhook{Handler: h, LogConstructor: func(logr.Logger, *admission.Request) logr.Logger {
		return log // the handlers log each decision with its fields; no per-request logger needed
	}}
	return &limitedHandler{wh: wh, max: maxRequestBytes, log: log, gate: gate}
}

type limitedHandler struct {
	wh   *admission.Webhook
	max  int64
	log  logr.Logger
	gate *Gate
}

func (l *limitedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil {
		writeReviewError(w, http.StatusBadRequest, fmt.Errorf("argoguard: admission request body is empty"))
		return
	}
	if l.gate != nil {
		ctx, cancel := waitContext(r)
		leave, err := l.gate.Enter(ctx)
		cancel()
		if err != nil {
			l.log.Error(err, "admission not evaluated: no slot")
			writeReviewError(w, http.StatusTooManyRequests, err)
			return
		}
		defer leave()
	}
	buf, err := readBody(r, l.max)
	_ = r.Body.Close()
	defer releaseBody(buf) // after the answer: nothing decoded refers to the body
	body := buf.Bytes()
	if err != nil {
		writeReviewError(w, http.StatusBadRequest, fmt.Errorf("reading the admission request: %w", err))
		return
	}
	if len(body) == 0 {
		writeReviewError(w, http.StatusBadRequest, fmt.Errorf("argoguard: admission request body is empty"))
		return
	}
	if int64(len(body)) > l.max {
		err := fmt.Errorf("argoguard: admission request larger than %d bytes (--max-request-bytes); refused", l.max)
		l.log.Error(err, "admission request too large")
		writeReviewError(w, http.StatusRequestEntityTooLarge, err)
		return
	}
	if r.Header.Get("Content-Type") == "application/json" {
		if req, ok := decodeConfigMapReview(body); ok {
			resp := l.wh.Handle(r.Context(), req)
			if err := writeReview(w, &resp.AdmissionResponse); err != nil {
				l.log.Error(err, "cannot write the admission response", "uid", req.UID)
			}
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	l.wh.ServeHTTP(w, r)
}

// writeReviewError answers with an AdmissionReview whose response carries
// the error, as controller-runtime does for undecodable requests. The UID
// is unknown (the body was not read), so the API server applies the
// webhook's failure policy and reports the message.
func writeReviewError(w http.ResponseWriter, code int32, err error) {
	resp := admission.Errored(code, err)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(admissionv1.AdmissionReview{
		TypeMeta: metav1TypeMeta(),
		Response: &resp.AdmissionResponse,
	})
}
