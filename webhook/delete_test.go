package webhook

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// guideObjects are the guide's three guarded ConfigMaps (fixed).
func guideObjects(t *testing.T) []*corev1.ConfigMap {
	return []*corev1.ConfigMap{
		guideConfigMap(t, "fixed", "argocd-cm.yaml"),
		guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml"),
		guideConfigMap(t, "fixed", "workflow-controller-configmap.yaml"),
	}
}

// Deleting a guarded ConfigMap is judged for the state it leaves: refused
// in enforce mode (GUARD-001), dry run or not; a warning in audit mode.
func TestDeleteOfGuardedObjectIsRefused(t *testing.T) {
	set := guideSettings(t)
	live := guideObjects(t)
	for _, cm := range live {
		t.Run(cm.Name, func(t *testing.T) {
			h := validator(set, cluster(live...))
			for _, dry := range []bool{false, true} {
				resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: cm, dryRun: dry}))
				if resp.Allowed {
					t.Fatalf("dryRun=%v: deleting %s allowed in enforce mode; warnings %v", dry, cm.Name, resp.Warnings)
				}
				if msg := resp.Result.Message; !strings.Contains(msg, "GUARD-001") || !strings.Contains(msg, "deleting "+cm.Name) {
					t.Errorf("dryRun=%v: denial does not name GUARD-001 and the object: %s", dry, msg)
				}
			}
			events := &fakeRecorder{}
			v := &Validator{Rules: catalogue, Settings: NewStaticSettings(withMode(set, settings.ModeAudit)), Source: &snapshot.Source{Reader: cluster(live...)},
				Log: logr.Discard(), Events: events}
			audit := post(t, Handler(v, logr.Discard(), DefaultMaxRequestBytes), reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: cm}))
			if !audit.Allowed || !strings.Contains(strings.Join(audit.Warnings, "\n"), "GUARD-001") {
				t.Errorf("audit mode: allowed=%v warnings %v; want allowed with a GUARD-001 warning", audit.Allowed, audit.Warnings)
			}
			if len(events.events) != 1 || events.events[0].reason != ReasonDeletedInAuditMode || events.events[0].regarding.Name != cm.Name ||
				!strings.Contains(events.events[0].note, "deleting "+cm.Name) {
				t.Errorf("audit mode: events %+v, want one DeletedInAuditMode on %s", events.events, cm.Name)
			}
		})
	}
	// An argocd-rbac-cm without data is what Argo CD has without one:
	// deleting it changes nothing and is allowed, with the fallback warning.
	empty := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "argocd", Name: "argocd-rbac-cm"}}
	resp := post(t, validator(set, cluster(live[0], empty)), reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: empty}))
	if !resp.Allowed || !strings.Contains(strings.Join(resp.Warnings, "\n"), "deleting argocd-rbac-cm") {
		t.Errorf("deleting an empty argocd-rbac-cm: allowed=%v warnings %v", resp.Allowed, resp.Warnings)
	}
}

// The rules of the deleted object's family judge the fallback: an
// "always" invariant that the built-in policy alone breaks is reported.
func TestDeleteIsJudgedForTheFallback(t *testing.T) {
	set := guideSettings(t)
	set.Invariants = []settings.Invariant{{Name: "admins keep sync", Resource: "applications", Action: "sync",
		Object: "team-a/app", Always: []string{"argocd-admins"}}}
	set.Mode = settings.ModeAudit // every finding comes back as a warning
	live := guideObjects(t)
	resp := post(t, validator(set, cluster(live...)), reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: live[1]}))
	all := strings.Join(resp.Warnings, "\n")
	if !resp.Allowed || !strings.Contains(all, "RBAC-016") || !strings.Contains(all, "admins keep sync") {
		t.Fatalf("deleting argocd-rbac-cm: the always invariant the built-in policy breaks is not reported: %v", resp.Warnings)
	}
	// The live object keeps the promise: updating it to itself is clean.
	same := post(t, validator(set, cluster(live...)), reviewJSON(t, reviewOpts{op: admissionv1.Update, object: live[1], old: live[1]}))
	if strings.Contains(strings.Join(same.Warnings, "\n"), "RBAC-016") {
		t.Fatalf("the fixed policy itself breaks the invariant; the test proves nothing: %v", same.Warnings)
	}
}

// recordedEvent is one Event a fakeRecorder received.
type recordedEvent struct {
	regarding            *corev1.ConfigMap
	kind, reason, action string
	note                 string
}

type fakeRecorder struct {
	mu     sync.Mutex
	events []recordedEvent
}

func (f *fakeRecorder) Eventf(regarding runtime.Object, _ runtime.Object, eventtype, reason, action, note string, args ...interface{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cm, _ := regarding.(*corev1.ConfigMap)
	f.events = append(f.events, recordedEvent{regarding: cm, kind: eventtype, reason: reason, action: action, note: fmt.Sprintf(note, args...)})
}

// A break-glass requester may delete, and leaves a trail: a warning, audit
// annotations naming who and which rules were bypassed, a Warning Event on
// the object (not on a dry run) and the decisions metric.
func TestBreakGlassDeleteLeavesATrail(t *testing.T) {
	set := guideSettings(t)
	set.BreakGlass = settings.BreakGlass{Groups: []string{"platform-oncall"}}
	live := guideObjects(t)
	rbac := live[1]
	rbac.UID = "6f1c1a52-3c0e-4a8e-9e55-0c1f3f0d1b2a"
	events := &fakeRecorder{}
	v := &Validator{Rules: catalogue, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: cluster(live...)}, Log: logr.Discard(), Events: events}
	h := Handler(v, logr.Discard(), DefaultMaxRequestBytes)
	metric := decisionsTotal.WithLabelValues("argocd/argocd-rbac-cm", string(VerdictBreakGlass))
	before := counterValue(t, metric)

	// Dry run: the same answer, no Event.
	dry := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: rbac, user: "alice", groups: []string{"platform-oncall"}, dryRun: true}))
	if !dry.Allowed || len(events.events) != 0 {
		t.Fatalf("break-glass dry run: allowed=%v, %d events (want allowed, none)", dry.Allowed, len(events.events))
	}
	resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: rbac, user: "alice", groups: []string{"platform-oncall"}}))
	if !resp.Allowed {
		t.Fatalf("break-glass delete refused: %v", resp.Result)
	}
	if w := strings.Join(resp.Warnings, "\n"); !strings.Contains(w, "break-glass") || !strings.Contains(w, "GUARD-001") {
		t.Errorf("warnings do not say break-glass and GUARD-001: %v", resp.Warnings)
	}
	for _, ann := range []map[string]string{dry.AuditAnnotations, resp.AuditAnnotations} {
		want := map[string]string{
			"break-glass-match": "group platform-oncall", "break-glass-user": "alice",
			"break-glass-groups": "platform-oncall,system:authenticated", "bypassed-rules": "GUARD-001",
		}
		for k, v := range want {
			if ann[k] != v {
				t.Errorf("audit annotation %s = %q, want %q (all: %v)", k, ann[k], v, ann)
			}
		}
		for k := range ann {
			if k != strings.ToLower(k) || strings.ContainsAny(k, "/ ") {
				t.Errorf("audit annotation key %q: the API server wants a lower-case name it can prefix", k)
			}
		}
	}
	if len(events.events) != 1 {
		t.Fatalf("%d events, want 1", len(events.events))
	}
	ev := events.events[0]
	if ev.kind != corev1.EventTypeWarning || ev.reason != ReasonBreakGlass || ev.action != "DELETE" ||
		ev.regarding == nil || ev.regarding.Name != "argocd-rbac-cm" || ev.regarding.Namespace != "argocd" || ev.regarding.UID != rbac.UID {
		t.Errorf("event %+v: want a Warning BreakGlass DELETE event regarding argocd/argocd-rbac-cm (its UID)", ev)
	}
	if !strings.Contains(ev.note, "alice") || !strings.Contains(ev.note, "GUARD-001") {
		t.Errorf("event note %q names neither the requester nor the rule", ev.note)
	}
	if got := counterValue(t, metric) - before; got != 2 {
		t.Errorf("argoguard_admission_decisions_total{verdict=breakglass} rose by %v, want 2 (dry run and delete)", got)
	}

	// Not a break-glass requester: refused, no trail.
	other := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: rbac, user: "mallory", groups: []string{"developers"}}))
	if other.Allowed || len(other.AuditAnnotations) != 0 || len(events.events) != 1 {
		t.Errorf("ordinary user: allowed=%v annotations %v events %d", other.Allowed, other.AuditAnnotations, len(events.events))
	}
}

// A break-glass UPDATE that would be denied leaves the same trail, with
// the rules it bypassed; one that would be allowed leaves none.
func TestBreakGlassUpdateTrail(t *testing.T) {
	set := guideSettings(t)
	set.BreakGlass = settings.BreakGlass{Users: []string{"alice"}}
	live := guideObjects(t)
	events := &fakeRecorder{}
	v := &Validator{Rules: catalogue, Settings: NewStaticSettings(set), Source: &snapshot.Source{Reader: cluster(live...)}, Log: logr.Discard(), Events: events}
	h := Handler(v, logr.Discard(), DefaultMaxRequestBytes)
	bad := live[1].DeepCopy()
	bad.Data["policy.default"] = "role:admin" // RBAC-002
	resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: bad, old: live[1], user: "alice"}))
	if !resp.Allowed || !strings.Contains(resp.AuditAnnotations["bypassed-rules"], "RBAC-002") || len(events.events) != 1 || events.events[0].action != "UPDATE" {
		t.Fatalf("break-glass update: allowed=%v annotations %v events %+v", resp.Allowed, resp.AuditAnnotations, events.events)
	}
	clean := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: live[1], old: live[1], user: "alice"}))
	if !clean.Allowed || len(clean.AuditAnnotations) != 0 || len(events.events) != 1 {
		t.Errorf("a clean change by a break-glass user left a trail: %v, %d events", clean.AuditAnnotations, len(events.events))
	}
}

// The trail repeats at most a bounded part of a requester in thousands of
// groups.
func TestBreakGlassAnnotationsAreBounded(t *testing.T) {
	groups := make([]string, 5000)
	for i := range groups {
		groups[i] = fmt.Sprintf("group-%04d", i)
	}
	d := Decision{Verdict: VerdictBreakGlass}
	ann := breakGlassAnnotations("group group-0001", authenticationUser("bob", groups), d)
	if n := len(ann["break-glass-groups"]); n > maxTrailLen || !strings.Contains(ann["break-glass-groups"], "4980 more") {
		t.Errorf("groups annotation %d bytes: %q", n, ann["break-glass-groups"][:80])
	}
}

func authenticationUser(name string, groups []string) authenticationv1.UserInfo {
	return authenticationv1.UserInfo{Username: name, Groups: groups}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// Deleting the namespace of Argo CD deletes its ConfigMaps as the
// namespace controller: refusing it would leave the namespace Terminating
// for good. The control plane's deleters pass (with the trail); nobody
// else gets that by calling the same verb.
func TestControlPlaneDeletesPass(t *testing.T) {
	set := guideSettings(t)
	live := guideObjects(t)
	h := validator(set, cluster(live...))
	for _, user := range []string{"system:serviceaccount:kube-system:namespace-controller", "system:serviceaccount:kube-system:generic-garbage-collector", "system:kube-controller-manager"} {
		resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: live[0], user: user}))
		if !resp.Allowed || resp.AuditAnnotations["break-glass-user"] != user {
			t.Errorf("%s: allowed=%v annotations %v", user, resp.Allowed, resp.AuditAnnotations)
		}
		// Only deletes: an update by the same identity is judged as any other.
		bad := live[1].DeepCopy()
		bad.Data["policy.default"] = "role:admin"
		if resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: bad, old: live[1], user: user})); resp.Allowed {
			t.Errorf("%s: a refused update allowed", user)
		}
	}
	for _, user := range []string{"system:serviceaccount:kube-system:namespace-controller-x", "system:serviceaccount:argocd:namespace-controller"} {
		if resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: live[0], user: user})); resp.Allowed {
			t.Errorf("%s may delete argocd-cm", user)
		}
	}
}
