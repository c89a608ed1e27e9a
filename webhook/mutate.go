package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// Mutator is the mutating admission handler (/mutate): it fills in the
// defaults of docs/rules.md on the changed object. Defaulters never
// override a value the user wrote and are idempotent, so applying the
// mutator to its own output changes nothing.
type Mutator struct {
	Settings *SettingsStore
	Source   *snapshot.Source
	// Defaults proposes the patches: the registry cmd/webhook builds.
	Defaults Defaults
	Log      logr.Logger
}

// Defaults runs defaulters on an object: a *policy.Registry.
type Defaults interface {
	Default(s *policy.Snapshot, obj *policy.Object) []policy.Patch
}

var _ admission.Handler = (*Mutator)(nil)

// Handle implements admission.Handler.
func (m *Mutator) Handle(ctx context.Context, req admission.Request) admission.Response {
	set := m.Settings.Current()
	r, err := decodeRequest(req)
	if err != nil {
		m.Log.Info("malformed admission request", "uid", req.UID, "error", err.Error())
		return admission.Errored(http.StatusBadRequest, err)
	}
	if r.op == admissionv1.Delete || !snapshot.IsGuarded(set, r.ref) {
		return admission.Allowed("")
	}
	if set.Defaults.Disabled || (set.Mode == settings.ModeAudit && !set.Defaults.InAudit) {
		return admission.Allowed("defaults off")
	}
	log := m.Log.WithValues("object", r.ref.Namespace+"/"+r.ref.Name, "operation", string(r.op),
		"user", r.username, "uid", string(req.UID))

	snap, err := m.Source.Build(ctx, set, &snapshot.Change{Ref: r.ref, Object: r.object})
	if err != nil {
		// Defaults are a convenience: without them the validating webhook
		// still judges the change.
		log.Error(err, "cannot build snapshot; no defaults applied")
		return admission.Allowed("").WithWarnings("argoguard: defaults not applied: cannot read the other guarded objects")
	}
	snap.Operation, snap.Old = string(r.op), r.old
	patches, err := m.runDefaulters(snap, r.object)
	if err != nil {
		log.Error(err, "defaulter panicked; no defaults applied")
		return admission.Allowed("").WithWarnings("argoguard: defaults not applied: " + truncate(err.Error(), 80))
	}
	if len(patches) == 0 {
		return admission.Allowed("")
	}
	raw, err := r.rawObject()
	if err != nil {
		log.Error(err, "cannot encode the object")
		return admission.Errored(http.StatusInternalServerError, err)
	}
	mutated, err := applyPatches(raw, r.object, patches)
	if err != nil {
		log.Error(err, "cannot apply defaults")
		return admission.Errored(http.StatusInternalServerError, err)
	}
	warnings := make([]string, 0, len(patches))
	fields := make([]string, 0, len(patches))
	for _, p := range patches {
		warnings = append(warnings, truncate("argoguard default: "+p.Reason, maxWarningLen))
		fields = append(fields, p.Key+":"+p.Field)
	}
	log.Info("defaults applied", "defaulted", fields, "dryRun", req.DryRun != nil && *req.DryRun)
	return admission.PatchResponseFromRaw(raw, mutated).WithWarnings(capWarnings(warnings)...)
}

// runDefaulters returns the patches for obj that change something; a
// panicking defaulter is an error, not a crash.
func (m *Mutator) runDefaulters(snap *policy.Snapshot, obj *policy.Object) (out []policy.Patch, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("defaulter failed: %v", v)
		}
	}()
	for _, p := range m.Defaults.Default(snap, obj) {
		if p.Object != (policy.ObjectRef{}) && p.Object != obj.Ref {
			continue // a patch for another object cannot be applied here
		}
		if cur, ok := obj.Data[p.Key]; ok && cur == p.Value {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// applyPatches writes obj after the patches (policy's WithPatches and
// Defaulted: the data keys and the defaulted annotation) into the raw
// object. It edits the JSON as a map so that every field argoguard does not
// know survives untouched and the JSON patch holds only the defaults.
func applyPatches(raw []byte, obj *policy.Object, patches []policy.Patch) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	after := obj.WithPatches(patches)
	data := child(m, "data")
	for _, p := range patches {
		data[p.Key] = after.Data[p.Key]
	}
	ann := child(child(m, "metadata"), "annotations")
	ann[policy.DefaultedAnnotation] = obj.Defaulted(patches)[policy.DefaultedAnnotation]
	return json.Marshal(m)
}

// child returns the map under key in m, adding an empty one when absent.
func child(m map[string]any, key string) map[string]any {
	c, _ := m[key].(map[string]any)
	if c == nil {
		c = map[string]any{}
		m[key] = c
	}
	return c
}
