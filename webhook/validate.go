package webhook

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// Validator is the validating admission handler (/validate).
//
// It judges the change against the other guarded objects: the snapshot
// after the change and the snapshot before it are both evaluated, and only
// deny findings the change introduces refuse it (see Decide). DELETE is
// judged for the state it leaves: an empty object stands in for a deleted
// ConfigMap (the owner's fallback), so the rules of its family judge the
// fallback, and GUARD-001 refuses deleting a guarded object that held data;
// a deleted AppProject or ServiceAccount leaves its kind's list, and the
// rules compare with the old object what the delete revokes (PROJ-010) or
// whom it moves (WFSA-010). A DELETE without oldObject is judged against
// the live object.
// A break-glass requester is let through with a trail: a warning, audit
// annotations (who, which rules were bypassed), an Event on the object and
// the decisions metric.
type Validator struct {
	Settings *SettingsStore
	Source   *snapshot.Source
	// Rules judges the snapshots: the registry cmd/webhook builds.
	Rules Evaluator
	// Parses shares parsed ConfigMaps across admissions (the states after
	// and before a change, the objects no change touched), by content and
	// within its bound; nil: every evaluation parses its own.
	Parses *policy.ParseCache
	Log    logr.Logger
	// Events records the Event of a break-glass change or of a delete in
	// audit mode on the object (none when nil).
	Events EventRecorder
}

// Evaluator runs rules on a snapshot: a *policy.Registry (tests wrap one).
type Evaluator interface {
	// EvaluateOnly runs the rules whose IDs are in ids (nil: every rule).
	EvaluateOnly(s *policy.Snapshot, ids map[string]bool) ([]policy.Finding, error)
}

var _ admission.Handler = (*Validator)(nil)

// request is an admission request decoded into argoguard's terms.
type request struct {
	ref      policy.ObjectRef
	object   *policy.Object // after the change; nil on DELETE
	old      *policy.Object // before; nil on CREATE (and DELETE without oldObject)
	hasOld   bool
	op       admissionv1.Operation
	username string
	// oldCM is the object before the change as decoded (UPDATE, DELETE).
	oldCM *corev1.ConfigMap
	// newCM and rawNew are the object after the change as decoded and, when
	// the request carried it so, as raw JSON (see rawObject).
	newCM  *corev1.ConfigMap
	rawNew []byte
}

// rawObject returns the object after the change as JSON: as received, or
// encoded from its decoded form (the API server encodes the typed object
// for the review, so both hold the same fields).
func (r *request) rawObject() ([]byte, error) {
	if r.rawNew != nil {
		return r.rawNew, nil
	}
	return json.Marshal(r.newCM)
}

// decodeRequest checks the kind and decodes the objects. Anything that is
// not a v1 ConfigMap, or lacks the object its operation needs, is an error.
func decodeRequest(req admission.Request) (*request, error) {
	if req.Kind.Kind == "" {
		return nil, errors.New("admission request has no kind: not an AdmissionReview request")
	}
	switch {
	case req.Kind.Group == "" && req.Kind.Version == "v1" && req.Kind.Kind == "ConfigMap":
	case req.Kind.Group == appProjectGVK.Group && req.Kind.Version == appProjectGVK.Version && req.Kind.Kind == policy.KindAppProject,
		req.Kind.Group == "" && req.Kind.Version == "v1" && req.Kind.Kind == policy.KindServiceAccount:
		return decodeRBACObjectRequest(req)
	default:
		return nil, fmt.Errorf("argoguard judges v1 ConfigMaps, argoproj.io/v1alpha1 AppProjects and v1 ServiceAccounts; this request is for %s", req.Kind.String())
	}
	r := &request{op: req.Operation, username: req.UserInfo.Username,
		ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: req.Namespace, Name: req.Name}}
	switch req.Operation {
	case admissionv1.Create, admissionv1.Update:
		cm, err := configMapOf(req.Object)
		if err != nil {
			return nil, err
		}
		// The object's own name wins; the request's fills in what it lacks.
		r.ref.Name, r.ref.Namespace = cmp.Or(cm.Name, req.Name), cmp.Or(cm.Namespace, req.Namespace)
		r.object, r.newCM, r.rawNew = configMapAt(cm, r.ref), cm, req.Object.Raw
		if req.Operation == admissionv1.Update {
			old, err := configMapOf(req.OldObject)
			if err != nil {
				return nil, fmt.Errorf("oldObject: %w", err)
			}
			r.old, r.hasOld, r.oldCM = configMapAt(old, r.ref), true, old
		}
	case admissionv1.Delete:
		if len(req.OldObject.Raw) > 0 || req.OldObject.Object != nil {
			old, err := configMapOf(req.OldObject)
			if err != nil {
				return nil, fmt.Errorf("oldObject: %w", err)
			}
			r.old, r.hasOld, r.oldCM = configMapAt(old, r.ref), true, old
		}
		// The state a delete leaves is the owner's fallback: what it does
		// with an empty ConfigMap (Argo CD's built-in policy alone, its
		// defaults, Workflows without SSO). GUARD-001 says what the absence
		// itself breaks.
		r.object = &policy.Object{Ref: r.ref, Data: map[string]string{}}
	default:
		return nil, fmt.Errorf("argoguard judges CREATE, UPDATE and DELETE; this request is %s", req.Operation)
	}
	// A request without a name (generateName) cannot be for a guarded
	// object: IsGuarded is false and it is allowed untouched.
	return r, nil
}

// configMapAt converts cm for the rules, named ref whatever cm says.
func configMapAt(cm *corev1.ConfigMap, ref policy.ObjectRef) *policy.Object {
	o := snapshot.ConfigMapObject(cm)
	o.Ref = ref
	return o
}

// Handle implements admission.Handler.
func (v *Validator) Handle(ctx context.Context, req admission.Request) admission.Response {
	set := v.Settings.Current() // one settings version for the whole request
	r, err := decodeRequest(req)
	if err != nil {
		v.Log.Info("malformed admission request", "uid", req.UID, "error", err.Error())
		return admission.Errored(http.StatusBadRequest, err)
	}
	dryRun := req.DryRun != nil && *req.DryRun
	logFor := func() logr.Logger {
		return v.Log.WithValues("object", r.ref.Namespace+"/"+r.ref.Name, "operation", string(r.op),
			"user", r.username, "dryRun", dryRun, "uid", string(req.UID), "mode", string(set.Mode))
	}
	var liveOld []string
	if r.op == admissionv1.Delete && !r.hasOld && r.ref.Kind != "ConfigMap" {
		// The API server always sends oldObject on DELETE; a request
		// without one is judged against the live object, if any.
		old, err := snapshot.LiveRBACObject(ctx, set, v.Source.Reader, r.ref)
		if err != nil {
			return v.cannotJudge(set, r, logFor(), fmt.Errorf("the DELETE carries no oldObject: %w", err))
		}
		if old != nil {
			r.old, r.hasOld = old, true
			liveOld = []string{fmt.Sprintf("argoguard: the DELETE carries no oldObject; judged against the live %s", r.ref.Kind)}
		}
	}
	if !snapshot.GuardsObject(set, r.ref, r.object, r.old) {
		// matchConditions keep these away; answer quickly if one gets here.
		return admission.Allowed("not guarded by argoguard")
	}
	log := logFor()

	bg := breakGlassMatch(set.BreakGlass, req.UserInfo)
	if cp := controlPlaneDeleter(req.UserInfo); bg == "" && cp != "" && r.op == admissionv1.Delete {
		bg = cp // deleting a namespace or an owner: let go, with the trail
	}
	d, err := v.decide(ctx, set, r, bg != "")
	if err != nil {
		return v.cannotJudge(set, r, log, err)
	}
	if liveOld != nil {
		d.Warnings = capWarnings(append(liveOld, d.Warnings...))
	}

	if r.op == admissionv1.Delete && r.ref.Kind == "ConfigMap" {
		d.Warnings = append([]string{fmt.Sprintf("argoguard: deleting %s; its owner falls back to built-in defaults", r.ref.Name)}, d.Warnings...)
		if d.Verdict == VerdictAllowed {
			d.Verdict = VerdictWarned
		}
	}
	recordDecision(set.Mode, r.ref, d)
	kv := []any{"verdict", string(d.Verdict), "rules", d.RuleIDs(), "denying", ruleIDs(d.Denying), "preexisting", ruleIDs(d.Preexisting)}
	if d.Verdict == VerdictBreakGlass {
		kv = append(kv, "breakGlass", bg)
	}
	log.Info("admission decision", kv...)

	if d.Verdict == VerdictDenied {
		return admission.Response{AdmissionResponse: admissionv1.AdmissionResponse{
			Allowed: false, Result: DenialStatus(r.ref, d.Denying), Warnings: d.Warnings}}
	}
	resp := admission.Allowed("").WithWarnings(d.Warnings...)
	if d.Verdict == VerdictBreakGlass {
		resp.AuditAnnotations = breakGlassAnnotations(bg, req.UserInfo, d)
		if !dryRun { // sideEffects: None; a dry run leaves no Event
			v.breakGlassEvent(r, bg, d)
		}
	} else if r.op == admissionv1.Delete && set.Mode == settings.ModeAudit && !dryRun {
		v.auditDeleteEvent(r, d)
	}
	return resp
}

// cannotJudge answers a change that could not be judged: refused in
// enforce mode (the failure policy's answer), allowed with a warning in
// audit mode.
func (v *Validator) cannotJudge(set *settings.Settings, r *request, log logr.Logger, err error) admission.Response {
	d := Decision{Verdict: VerdictError}
	reason := err.Error()
	var panicked *policy.RulePanic
	if errors.As(err, &panicked) {
		log.Error(err, "rule panicked", "rule", panicked.RuleID, "verdict", string(VerdictError))
		reason = fmt.Sprintf("rule %s failed (a bug in argoguard; please report it)", panicked.RuleID)
	} else {
		log.Error(err, "cannot judge change", "verdict", string(VerdictError))
	}
	recordDecision(set.Mode, r.ref, d)
	if set.Mode == settings.ModeAudit {
		return admission.Allowed("").WithWarnings("argoguard: could not judge the change (audit mode, allowed): " + truncate(reason, 60))
	}
	return admission.Response{AdmissionResponse: admissionv1.AdmissionResponse{Allowed: false, Result: ErrorStatus(r.ref, reason)}}
}

// decide evaluates the snapshot after the change and, when its findings
// need it, the snapshot before the change, and decides.
func (v *Validator) decide(ctx context.Context, set *settings.Settings, r *request, breakGlass bool) (Decision, error) {
	after, err := v.Source.Build(ctx, set, &snapshot.Change{Ref: r.ref, Object: r.object})
	if err != nil {
		return Decision{}, err
	}
	after.Operation, after.Old, after.Parses = string(r.op), r.old, v.Parses
	afterFindings, err := v.Rules.EvaluateOnly(after, nil)
	if err != nil {
		return Decision{}, err
	}
	if !needsBefore(set.Mode, afterFindings) {
		return Decide(r.ref, set.Mode, afterFindings, nil, breakGlass), nil
	}
	// Before: the old object from the request (UPDATE, DELETE), nothing
	// (CREATE), or the live state when the API server sent no oldObject.
	var change *snapshot.Change
	if r.hasOld || r.op == admissionv1.Create {
		change = &snapshot.Change{Ref: r.ref, Object: r.old}
	}
	before, err := v.Source.Build(ctx, set, change)
	if err != nil {
		return Decision{}, err
	}
	before.Parses = v.Parses
	// Decide compares the deny findings after the change with the same
	// rules' findings before it (preexisting matches by rule ID): the other
	// rules need not run again.
	beforeFindings, err := v.Rules.EvaluateOnly(before, denyingRules(afterFindings))
	if err != nil {
		return Decision{}, err
	}
	return Decide(r.ref, set.Mode, afterFindings, beforeFindings, breakGlass), nil
}

// denyingRules returns the IDs of the rules with a deny finding.
func denyingRules(findings []policy.Finding) map[string]bool {
	ids := map[string]bool{}
	for _, f := range findings {
		if f.Action == policy.ActionDeny {
			ids[f.RuleID] = true
		}
	}
	return ids
}

// needsBefore reports whether Decide reads the findings before the change:
// only enforce mode tells deny findings the live state already had (shown
// as warnings: never block a fix) from new ones, and only when the state
// after the change has a deny finding. Skipping the second evaluation
// otherwise halves the cost of every allowed change.
func needsBefore(mode settings.Mode, after []policy.Finding) bool {
	if mode == settings.ModeAudit {
		return false
	}
	for _, f := range after {
		if f.Action == policy.ActionDeny {
			return true
		}
	}
	return false
}

func ruleIDs(fs []policy.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}
