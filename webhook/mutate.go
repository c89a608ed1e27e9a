package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// DefaultedAnnotation lists what argoguard filled in, as "key:field" items
// separated by commas, accumulated over changes.
const DefaultedAnnotation = "argoguard.io/defaulted"

// Mutator is the mutating admission handler (/mutate): it fills in the
// defaults of docs/rules.md on the changed object. Defaulters never
// override a value the user wrote and are idempotent, so applying the
// mutator to its own output changes nothing.
type Mutator struct {
	Settings *SettingsStore
	Source   *SnapshotSource
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
	if r.op == admissionv1.Delete || !IsGuarded(set, r.ref) {
		return admission.Allowed("")
	}
	if set.Defaults.Disabled || (set.Mode == settings.ModeAudit && !set.Defaults.InAudit) {
		return admission.Allowed("defaults off")
	}
	log := m.Log.WithValues("object", r.ref.Namespace+"/"+r.ref.Name, "operation", string(r.op),
		"user", r.username, "uid", string(req.UID))

	snap, err := m.Source.Build(ctx, set, &Change{Ref: r.ref, Object: r.object})
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
	mutated, err := applyPatches(raw, patches)
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

// applyPatches sets the patched data keys and the defaulted annotation on
// the raw object. It edits the JSON as a map so that every field argoguard
// does not know survives untouched and the JSON patch holds only the defaults.
func applyPatches(raw []byte, patches []policy.Patch) ([]byte, error) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	data, _ := obj["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
		obj["data"] = data
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	ann, _ := meta["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		meta["annotations"] = ann
	}
	items := map[string]bool{}
	if prev, ok := ann[DefaultedAnnotation].(string); ok {
		for _, it := range strings.Split(prev, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items[it] = true
			}
		}
	}
	for _, p := range patches {
		data[p.Key] = p.Value
		items[p.Key+":"+p.Field] = true
	}
	list := make([]string, 0, len(items))
	for it := range items {
		list = append(list, it)
	}
	sort.Strings(list)
	ann[DefaultedAnnotation] = strings.Join(list, ",")
	return json.Marshal(obj)
}
