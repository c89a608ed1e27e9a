package audit

// Writing one report: created once and updated in place. A ConfigMap's
// report is owned by it (deleted with it) and its changed findings are an
// Event on it; a namespace's AppProjects or ServiceAccounts report has no
// single object to own it or to carry an Event.

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
)

// Event reasons on the guarded ConfigMap.
const (
	ReasonFindingsChanged = "FindingsChanged"
	ReasonFindingsCleared = "FindingsCleared"
)

// write creates or updates one report. An existing report with the same
// content is left alone unless resync asks for fresh timestamps, so a pass
// retried after an error elsewhere rewrites nothing.
func (c *Controller) write(ctx context.Context, pr report.PolicyReport, sig string, resync bool) error {
	if pr.Scope.Kind != "ConfigMap" {
		desired, err := toUnstructured(pr)
		if err != nil {
			return err
		}
		// An empty one only empties the report of objects now gone.
		_, err = c.apply(ctx, desired, pr, resync, len(pr.Results) > 0)
		return err
	}
	ref := policy.ObjectRef{Kind: pr.Scope.Kind, Namespace: pr.Scope.Namespace, Name: pr.Scope.Name}
	var cm corev1.ConfigMap
	absent := false
	if err := c.reader.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &cm); err != nil {
		if !kerrors.IsNotFound(err) {
			return fmt.Errorf("reading %s: %w", ref, err)
		}
		if !reportsAbsence(pr) {
			return nil // deleted since the snapshot; the next pass reports its absence
		}
		// The report of an absent object has no owner to go with; the
		// object, once restored, adopts it on the next write.
		absent = true
	}
	pr.Scope.UID = string(cm.UID)
	desired, err := toUnstructured(pr)
	if err != nil {
		return err
	}
	if !absent {
		desired.SetOwnerReferences([]metav1.OwnerReference{{
			APIVersion: "v1", Kind: "ConfigMap", Name: cm.Name, UID: cm.UID,
		}})
	}
	existing, err := c.apply(ctx, desired, pr, resync, true)
	if err != nil {
		return err
	}
	if existing != nil {
		c.rememberFindings(ref, existing)
	}
	if !absent { // the webhook's DeletedInAuditMode Event already said so
		c.eventIfChanged(&cm, ref, sig, pr)
	}
	return nil
}

// apply creates desired (if create) or updates the report in place, and
// returns the report found before (nil when there was none).
func (c *Controller) apply(ctx context.Context, desired *unstructured.Unstructured, pr report.PolicyReport, resync, create bool) (*unstructured.Unstructured, error) {
	existing := &unstructured.Unstructured{}
	existing.SetGroupVersionKind(desired.GroupVersionKind())
	err := c.reader.Get(ctx, client.ObjectKeyFromObject(desired), existing)
	switch {
	case kerrors.IsNotFound(err) && !create:
		return nil, nil
	case kerrors.IsNotFound(err):
		if err := c.writer.Create(ctx, desired); err != nil {
			return nil, fmt.Errorf("creating %s %s/%s: %w", desired.GetKind(), desired.GetNamespace(), desired.GetName(), err)
		}
		c.log.Info("report created", "report", desired.GetName(), "namespace", desired.GetNamespace(),
			"fail", pr.Summary.Fail, "warn", pr.Summary.Warn, "pass", pr.Summary.Pass)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading %s %s/%s: %w", desired.GetKind(), desired.GetNamespace(), desired.GetName(), err)
	}
	desired.SetResourceVersion(existing.GetResourceVersion())
	desired.SetLabels(mergeLabels(existing.GetLabels(), desired.GetLabels()))
	if !resync && sameContent(existing, desired) {
		return existing, nil
	}
	if err := c.writer.Update(ctx, desired); err != nil {
		return nil, fmt.Errorf("updating %s %s/%s: %w", desired.GetKind(), desired.GetNamespace(), desired.GetName(), err)
	}
	return existing, nil
}

// reportsAbsence says whether a report is about its object being absent
// (GUARD-001 outside an admission).
func reportsAbsence(pr report.PolicyReport) bool {
	for _, r := range pr.Results {
		if r.Rule == "GUARD-001" && (r.Result == report.ResultFail || r.Result == report.ResultWarn) {
			return true
		}
	}
	return false
}

// rememberFindings seeds the signature from a report written before this
// process started, so a restart does not repeat the last Event.
func (c *Controller) rememberFindings(ref policy.ObjectRef, existing *unstructured.Unstructured) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, known := c.findings[ref]; known {
		return
	}
	raw, err := json.Marshal(existing.Object)
	if err != nil {
		return
	}
	var old report.PolicyReport
	if json.Unmarshal(raw, &old) == nil {
		c.findings[ref] = signature(old)
	}
}

func (c *Controller) eventIfChanged(cm *corev1.ConfigMap, ref policy.ObjectRef, sig string, pr report.PolicyReport) {
	c.mu.Lock()
	prev, known := c.findings[ref]
	c.findings[ref] = sig
	c.mu.Unlock()
	empty := sig == "null"
	if (known && prev == sig) || (!known && empty) || c.events == nil {
		return
	}
	kind := pr.Kind
	if empty {
		c.events.Eventf(cm, nil, corev1.EventTypeNormal, ReasonFindingsCleared, "Audit",
			"argoguard: no findings any more (%d rules pass); see %s %s", pr.Summary.Pass, kind, pr.Metadata.Name)
		return
	}
	c.events.Eventf(cm, nil, corev1.EventTypeWarning, ReasonFindingsChanged, "Audit",
		"argoguard: %d fail, %d warn (%s); see %s %s", pr.Summary.Fail, pr.Summary.Warn, ruleList(pr), kind, pr.Metadata.Name)
}

// ruleList names the rules with findings: "RBAC-004, RBAC-007".
func ruleList(pr report.PolicyReport) string {
	seen := map[string]bool{}
	var ids []string
	for _, res := range pr.Results {
		if (res.Result == report.ResultFail || res.Result == report.ResultWarn) && !seen[res.Rule] {
			seen[res.Rule] = true
			ids = append(ids, res.Rule)
		}
	}
	if len(ids) > 8 {
		return strings.Join(ids[:8], ", ") + fmt.Sprintf(" and %d more", len(ids)-8)
	}
	return strings.Join(ids, ", ")
}

func toUnstructured(pr report.PolicyReport) (*unstructured.Unstructured, error) {
	raw, err := json.Marshal(pr)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := json.Unmarshal(raw, &u.Object); err != nil {
		return nil, err
	}
	return u, nil
}

func mergeLabels(have, want map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range have {
		out[k] = v
	}
	for k, v := range want {
		out[k] = v
	}
	return out
}

// isCRDMissing reports whether err (possibly wrapped or joined) says the
// report kind is not served: its CRD is not installed.
func isCRDMissing(err error) bool { return meta.IsNoMatchError(err) }

// sameContent compares what a reader sees, ignoring result timestamps and
// server-set metadata.
func sameContent(a, b *unstructured.Unstructured) bool {
	return reflect.DeepEqual(comparable(a), comparable(b))
}

func comparable(u *unstructured.Unstructured) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"apiVersion", "kind", "source", "scope", "summary"} {
		out[k] = u.Object[k]
	}
	var results []any
	if list, ok := u.Object["results"].([]any); ok {
		for _, r := range list {
			if m, ok := r.(map[string]any); ok {
				c := map[string]any{}
				for k, v := range m {
					if k != "timestamp" {
						c[k] = v
					}
				}
				results = append(results, c)
			}
		}
	}
	out["results"] = results
	out["labels"] = u.GetLabels()
	var owners []string
	for _, o := range u.GetOwnerReferences() {
		owners = append(owners, o.Kind+"/"+o.Name+"/"+string(o.UID))
	}
	out["owners"] = owners
	// One number type on both sides (the server's int64, our float64).
	raw, err := json.Marshal(out)
	if err != nil {
		return out
	}
	var norm map[string]any
	if json.Unmarshal(raw, &norm) != nil {
		return out
	}
	return norm
}
