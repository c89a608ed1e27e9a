package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

func TestGUARD001(t *testing.T) {
	set := settings.Default()
	acd := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}
	rbacCM := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	wf := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: "workflow-controller-configmap"}
	other := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-notifications-cm"}
	withData := func(ref policy.ObjectRef) *policy.Object {
		return &policy.Object{Ref: ref, Data: map[string]string{"k": "v"}}
	}
	for _, tc := range []struct {
		name     string
		op       string
		changed  policy.ObjectRef
		old      *policy.Object
		want     int
		contains string
	}{
		{name: "rbac deleted", op: "DELETE", changed: rbacCM, old: withData(rbacCM), want: 1, contains: "built-in policy"},
		{name: "rbac deleted, no oldObject", op: "DELETE", changed: rbacCM, want: 1, contains: "every SSO user loses every grant"},
		// An empty argocd-rbac-cm and a missing one are the same to Argo CD.
		{name: "empty rbac deleted", op: "DELETE", changed: rbacCM, old: &policy.Object{Ref: rbacCM}, want: 0},
		{name: "argocd-cm deleted", op: "DELETE", changed: acd, old: withData(acd), want: 1, contains: "cannot read its settings"},
		// Argo CD needs argocd-cm to exist, empty or not.
		{name: "empty argocd-cm deleted", op: "DELETE", changed: acd, old: &policy.Object{Ref: acd}, want: 1},
		{name: "workflows deleted", op: "DELETE", changed: wf, old: withData(wf), want: 1, contains: "no SSO"},
		{name: "empty workflows deleted", op: "DELETE", changed: wf, old: &policy.Object{Ref: wf}, want: 0},
		{name: "update", op: "UPDATE", changed: rbacCM, old: withData(rbacCM), want: 0},
		{name: "another ConfigMap", op: "DELETE", changed: other, old: withData(other), want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed := tc.changed
			s := &policy.Snapshot{Settings: set, Operation: tc.op, Changed: &changed, Old: tc.old}
			found := checkGuardedDelete(s)
			if len(found) != tc.want {
				t.Fatalf("%d findings, want %d: %+v", len(found), tc.want, found)
			}
			for _, f := range found {
				if f.Location.Object != tc.changed {
					t.Errorf("finding on %s, want the deleted %s", f.Location.Object, tc.changed)
				}
				f.RuleID = "GUARD-001"
				if n := len(f.Short()); n > 120 {
					t.Errorf("message too long for a warning (%d): %s", n, f.Short())
				}
				if !strings.Contains(f.Message, tc.contains) {
					t.Errorf("message %q lacks %q", f.Message, tc.contains)
				}
			}
		})
	}
	// The names come from the settings.
	custom, err := settings.Parse([]byte("argocd: {namespace: cd, rbacConfigMap: rbac}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ref := policy.ObjectRef{Kind: "ConfigMap", Namespace: "cd", Name: "rbac"}
	if got := checkGuardedDelete(&policy.Snapshot{Settings: custom, Operation: "DELETE", Changed: &ref, Old: withData(ref)}); len(got) != 1 {
		t.Errorf("deleting the settings' rbacConfigMap: %d findings, want 1", len(got))
	}
	if got := checkGuardedDelete(&policy.Snapshot{Settings: custom, Operation: "DELETE", Changed: &rbacCM, Old: withData(rbacCM)}); len(got) != 0 {
		t.Errorf("argocd/argocd-rbac-cm is not guarded under these settings: %d findings", len(got))
	}
}

// Outside an admission (the audit controller) the guarded objects the
// cluster does not have are reported as absent; in an admission they are
// not (only the DELETE itself is judged there), nor in the CLI, whose
// snapshots have no Missing.
func TestGUARD001Absent(t *testing.T) {
	set := settings.Default()
	rbacCM := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	wf := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: "workflow-controller-configmap"}
	other := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-notifications-cm"}

	found := checkGuardedDelete(&policy.Snapshot{Settings: set, Missing: []policy.ObjectRef{rbacCM, wf, other}})
	if len(found) != 2 {
		t.Fatalf("%d findings, want one per guarded missing object: %+v", len(found), found)
	}
	if found[0].Location.Object != rbacCM || !strings.Contains(found[0].Message, "argocd-rbac-cm is absent: Argo CD falls back to its built-in policy") {
		t.Errorf("first finding %+v", found[0])
	}
	if found[1].Location.Object != wf || !strings.Contains(found[1].Message, "no SSO") {
		t.Errorf("second finding %+v", found[1])
	}
	changed := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}
	if f := checkGuardedDelete(&policy.Snapshot{Settings: set, Operation: "UPDATE", Changed: &changed, Missing: []policy.ObjectRef{rbacCM}}); len(f) != 0 {
		t.Errorf("an admission reported absent objects: %+v", f)
	}
	if f := checkGuardedDelete(&policy.Snapshot{Settings: set}); len(f) != 0 {
		t.Errorf("a snapshot with nothing missing: %+v", f)
	}
}
