package webhook

// Admission requests for the objects beside the guarded ConfigMaps that
// decide what a group may do: Argo CD AppProjects and the ServiceAccounts
// argo-server picks by their rbac-rule annotation. Nothing is defaulted on
// them; the validating webhook judges them with the same modes, ratchet,
// dry-run and break-glass as the ConfigMaps.

import (
	"cmp"
	"encoding/json"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/policy"
)

// appProjectGVK is the version of AppProject argoguard reads (Argo CD's
// only served version).
var appProjectGVK = struct{ Group, Version string }{"argoproj.io", "v1alpha1"}

// decodeRBACObjectRequest decodes an AppProject or ServiceAccount request.
// A DELETE removes the object from the snapshot (no fallback stands in).
func decodeRBACObjectRequest(req admission.Request) (*request, error) {
	kind := req.Kind.Kind
	r := &request{op: req.Operation, username: req.UserInfo.Username,
		ref: policy.ObjectRef{Kind: kind, Namespace: req.Namespace, Name: req.Name}}
	decode := func(ext runtime.RawExtension, field string) (*policy.Object, error) {
		var u map[string]any
		if len(ext.Raw) > 0 {
			if err := json.Unmarshal(ext.Raw, &u); err != nil {
				return nil, fmt.Errorf("%s: admission request object is not a %s: %v", field, kind, err)
			}
		}
		if u == nil {
			return nil, fmt.Errorf("%s: the admission request carries no %s", field, kind)
		}
		if k, _ := u["kind"].(string); k != "" && k != kind {
			return nil, fmt.Errorf("%s: admission request object is a %s, not a %s", field, k, kind)
		}
		var o *policy.Object
		if kind == policy.KindAppProject {
			var err error
			if o, err = policy.AppProjectObject(u); err != nil {
				return nil, fmt.Errorf("%s: %w", field, err)
			}
		} else {
			o = policy.ServiceAccountObject(u)
		}
		// The object's own name wins; the request's fills in what it lacks.
		o.Ref.Name, o.Ref.Namespace = cmp.Or(o.Ref.Name, req.Name), cmp.Or(o.Ref.Namespace, req.Namespace)
		return o, nil
	}
	switch req.Operation {
	case admissionv1.Create, admissionv1.Update:
		obj, err := decode(req.Object, "object")
		if err != nil {
			return nil, err
		}
		r.ref, r.object = obj.Ref, obj
		if req.Operation == admissionv1.Update {
			if r.old, err = decode(req.OldObject, "oldObject"); err != nil {
				return nil, err
			}
			r.old.Ref, r.hasOld = r.ref, true
		}
	case admissionv1.Delete:
		if len(req.OldObject.Raw) > 0 {
			old, err := decode(req.OldObject, "oldObject")
			if err != nil {
				return nil, err
			}
			old.Ref, r.old, r.hasOld = r.ref, old, true
		}
	default:
		return nil, fmt.Errorf("argoguard judges CREATE, UPDATE and DELETE; this request is %s", req.Operation)
	}
	return r, nil
}
