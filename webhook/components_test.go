package webhook

import (
	"context"
	"fmt"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// onlyReader serves the objects of some namespaces and fails on any other:
// what a ClusterReader without RBAC (or namespace) there would do.
type onlyReader struct {
	*snapshot.StaticReader
	namespaces map[string]bool
}

func (r onlyReader) ConfigMap(ctx context.Context, ns, name string) (*policy.Object, error) {
	if !r.namespaces[ns] {
		return nil, fmt.Errorf("configmaps %q is forbidden in namespace %s", name, ns)
	}
	return r.StaticReader.ConfigMap(ctx, ns, name)
}

// A cluster that runs only Argo CD says workflows.enabled: false. argoguard
// then guards, reads and waits for Argo CD's ConfigMaps only; a write of a
// ConfigMap named like the Workflows one is not argoguard's.
func TestArgoCDOnlyCluster(t *testing.T) {
	set, err := settings.Parse([]byte("workflows: {enabled: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	refs := snapshot.GuardedRefs(set)
	if len(refs) != 2 || refs[0].Name != "argocd-cm" || refs[1].Name != "argocd-rbac-cm" {
		t.Fatalf("GuardedRefs = %v, want Argo CD's two", refs)
	}
	live := guideObjects(t)
	reader := onlyReader{cluster(live[0], live[1]), map[string]bool{"argocd": true}}
	snap, err := (&snapshot.Source{Reader: reader}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatalf("building the snapshot read the Workflows namespace: %v", err)
	}
	if snap.ArgoCDCM == nil || snap.RBACCM == nil || snap.WorkflowsCM != nil {
		t.Errorf("snapshot: argocd-cm %v rbac %v workflows %v", snap.ArgoCDCM != nil, snap.RBACCM != nil, snap.WorkflowsCM != nil)
	}
	h := validator(set, reader)
	wf := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: live[2]}))
	if !wf.Allowed || wf.Result == nil || wf.Result.Message != "not guarded by argoguard" {
		t.Errorf("Workflows ConfigMap judged though Workflows is off: %+v", wf)
	}
	if resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: live[1]})); resp.Allowed {
		t.Errorf("argocd-rbac-cm still guarded? delete allowed: %v", resp.Warnings)
	}

	// Readiness waits for the caches of the guarded objects only.
	cr := NewClusterReader(&rest.Config{Host: "https://127.0.0.1:1"}, clientgoscheme.Scheme, nil)
	if err := cr.Watch(set); err != nil {
		t.Fatal(err)
	}
	for _, oc := range cr.caches {
		oc.synced.Store(true)
	}
	if err := cr.Synced(set); err != nil {
		t.Errorf("ready check with Argo CD synced: %v", err)
	}
	if err := cr.Synced(settings.Default()); err == nil {
		t.Error("with Workflows guarded, readiness should wait for its cache")
	}
}

// Only Argo Workflows: argocd.enabled: false.
func TestWorkflowsOnlyCluster(t *testing.T) {
	set, err := settings.Parse([]byte("argocd: {enabled: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if refs := snapshot.GuardedRefs(set); len(refs) != 1 || refs[0].Name != "workflow-controller-configmap" {
		t.Fatalf("GuardedRefs = %v, want the Workflows ConfigMap", refs)
	}
	live := guideObjects(t)
	reader := onlyReader{cluster(live[2]), map[string]bool{"argo": true}}
	h := validator(set, reader)
	if resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: live[2], old: live[2]})); !resp.Allowed {
		t.Errorf("updating the Workflows ConfigMap to itself refused: %v", resp.Result)
	}
	if resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: live[0]})); !resp.Allowed || resp.Result.Message != "not guarded by argoguard" {
		t.Errorf("argocd-cm judged though Argo CD is off: %+v", resp)
	}
}
