package webhook

import (
	"fmt"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// breakGlassMatch returns what made the requester a break-glass requester
// ("user alice", "group platform-oncall", "serviceaccount ops/fixer"), or ""
// when it is not one.
func breakGlassMatch(bg settings.BreakGlass, u authenticationv1.UserInfo) string {
	if slices.Contains(bg.Users, u.Username) && u.Username != "" {
		return "user " + u.Username
	}
	for _, g := range u.Groups {
		if slices.Contains(bg.Groups, g) {
			return "group " + g
		}
	}
	const saPrefix = "system:serviceaccount:"
	if rest, ok := strings.CutPrefix(u.Username, saPrefix); ok {
		nsName := strings.Replace(rest, ":", "/", 1)
		if slices.Contains(bg.ServiceAccounts, nsName) {
			return "serviceaccount " + nsName
		}
	}
	return ""
}

// controlPlaneDeleters are the identities kube-controller-manager deletes
// with when a namespace is deleted (its namespace controller) or an owner
// is (its garbage collector): with or without
// --use-service-account-credentials. Refusing them would leave a deleted
// namespace Terminating for good, or an owner's ConfigMaps behind; what
// they delete goes with everything else of Argo CD or Argo Workflows.
var controlPlaneDeleters = map[string]string{
	"system:serviceaccount:kube-system:namespace-controller":      "the namespace controller (namespace deletion)",
	"system:serviceaccount:kube-system:generic-garbage-collector": "the garbage collector (owner deleted)",
	"system:kube-controller-manager":                              "kube-controller-manager",
}

// controlPlaneDeleter returns which control-plane deleter u is, or "".
func controlPlaneDeleter(u authenticationv1.UserInfo) string {
	return controlPlaneDeleters[u.Username]
}

// ReasonBreakGlass is the reason of the Event on an object a break-glass
// requester changed or deleted despite denying findings.
const ReasonBreakGlass = "BreakGlass"

// Bounds of what the trail repeats from the request: a requester may be
// in thousands of groups.
const (
	maxTrailGroups = 20
	maxTrailLen    = 1024
)

// breakGlassAnnotations are the audit annotations of a break-glass
// admission: who (the match, the user and groups) and which rules were
// bypassed. The API server prefixes each key with the webhook's name
// (validate.argoguard.io/break-glass-user) and writes them to its audit log.
func breakGlassAnnotations(match string, u authenticationv1.UserInfo, d Decision) map[string]string {
	return map[string]string{
		"break-glass-match":  truncate(match, maxTrailLen),
		"break-glass-user":   truncate(u.Username, maxTrailLen),
		"break-glass-groups": truncate(joinAtMost(u.Groups, maxTrailGroups), maxTrailLen),
		"bypassed-rules":     strings.Join(ruleIDsOnce(d.Denying), ","),
	}
}

// breakGlassEvent records a Warning Event on the object: the trail a
// reviewer finds with `kubectl get events`, even after a delete.
func (v *Validator) breakGlassEvent(r *request, match string, d Decision) {
	note := fmt.Sprintf("break-glass requester %s (%s) %s despite %s", truncate(r.username, 200), truncate(match, 200),
		strings.ToLower(string(r.op)), strings.Join(ruleIDsOnce(d.Denying), ", "))
	v.event(r, ReasonBreakGlass, note)
}

// auditDeleteEvent records the Event of a guarded object deleted in audit
// mode with a GUARD-001 finding: enforce mode would have refused it.
func (v *Validator) auditDeleteEvent(r *request, d Decision) {
	for _, f := range d.Findings {
		if f.RuleID == guardDeleteRule {
			v.event(r, ReasonDeletedInAuditMode, fmt.Sprintf("%s deleted it in audit mode: %s", truncate(r.username, 200), f.Message))
			return
		}
	}
}

// guardDeleteRule is the rule that refuses deleting a guarded object.
const guardDeleteRule = "GUARD-001"

// ReasonDeletedInAuditMode is the reason of the Event on a guarded object
// deleted in audit mode.
const ReasonDeletedInAuditMode = "DeletedInAuditMode"

func (v *Validator) event(r *request, reason, note string) {
	if v.Events == nil {
		return
	}
	if r.ref.Kind != "ConfigMap" {
		v.Events.Eventf(objectReference(r.ref), nil, corev1.EventTypeWarning, reason, string(r.op), "%s", truncate(note, maxTrailLen))
		return
	}
	cm := r.newCM
	if r.op == admissionv1.Delete || cm == nil {
		cm = r.oldCM
	}
	if cm == nil { // a DELETE without oldObject: the reference is all there is
		cm = &corev1.ConfigMap{}
	}
	regarding := cm.DeepCopy()
	regarding.Kind, regarding.APIVersion = "ConfigMap", "v1"
	regarding.Namespace, regarding.Name = r.ref.Namespace, r.ref.Name
	v.Events.Eventf(regarding, nil, corev1.EventTypeWarning, reason, string(r.op), "%s", truncate(note, maxTrailLen))
}

// ruleIDsOnce lists the rule IDs of fs in order, once each.
func ruleIDsOnce(fs []policy.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.RuleID) {
			out = append(out, f.RuleID)
		}
	}
	return out
}

// joinAtMost joins the first n of ss, saying how many more there are.
func joinAtMost(ss []string, n int) string {
	if len(ss) <= n {
		return strings.Join(ss, ",")
	}
	return strings.Join(ss[:n], ",") + fmt.Sprintf(",… (%d more)", len(ss)-n)
}

// objectReference is what an Event about an AppProject or a ServiceAccount
// regards: its kind, namespace and name (no typed object is decoded).
func objectReference(ref policy.ObjectRef) *metav1.PartialObjectMetadata {
	o := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: ref.Namespace, Name: ref.Name}}
	o.Kind, o.APIVersion = ref.Kind, "v1"
	if ref.Kind == policy.KindAppProject {
		o.APIVersion = appProjectGVK.Group + "/" + appProjectGVK.Version
	}
	return o
}
