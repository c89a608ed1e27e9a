package webhook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// ssoRBACObjects reads the guide's AppProject or ServiceAccounts
// (sso-rbac/<variant>/<file>), one map per YAML document.
func ssoRBACObjects(t *testing.T, variant, file string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(guideDir, "sso-rbac", variant, file))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		var u map[string]any
		if err := yaml.Unmarshal(doc, &u); err != nil {
			t.Fatal(err)
		}
		if u != nil {
			out = append(out, u)
		}
	}
	return out
}

func named(t *testing.T, objs []map[string]any, name string) map[string]any {
	t.Helper()
	for _, u := range objs {
		if u["metadata"].(map[string]any)["name"] == name {
			return u
		}
	}
	t.Fatalf("no object %s", name)
	return nil
}

// objectReview is the AdmissionReview the API server sends for an
// AppProject or a ServiceAccount.
func objectReview(t *testing.T, op admissionv1.Operation, obj, old map[string]any, dryRun bool) []byte {
	t.Helper()
	u := obj
	if u == nil {
		u = old
	}
	kind, _ := u["kind"].(string)
	gvk := metav1.GroupVersionKind{Version: "v1", Kind: kind}
	gvr := metav1.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	if kind == policy.KindAppProject {
		gvk.Group, gvk.Version = "argoproj.io", "v1alpha1"
		gvr = metav1.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "appprojects"}
	}
	raw := func(m map[string]any) runtime.RawExtension {
		if m == nil {
			return runtime.RawExtension{}
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return runtime.RawExtension{Raw: b}
	}
	meta := u["metadata"].(map[string]any)
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("3f0c0d5e-6a3c-4a5b-9d7e-1f2a3b4c5d6e"), Kind: gvk, Resource: gvr, RequestKind: &gvk, RequestResource: &gvr,
			Name: meta["name"].(string), Namespace: meta["namespace"].(string), Operation: op,
			UserInfo: authenticationv1.UserInfo{Username: "platform-engineer", Groups: []string{"system:authenticated"}},
			Object:   raw(obj), OldObject: raw(old), DryRun: &dryRun,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixedCluster is the guide's fixed ConfigMaps (Workflows with rbac.enabled)
// and the given AppProjects and ServiceAccounts as live objects.
func fixedCluster(t *testing.T, live ...map[string]any) *snapshot.StaticReader {
	r := cluster(guideConfigMap(t, "fixed", "argocd-cm.yaml"), guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml"),
		guideConfigMap(t, "fixed", "workflow-controller-configmap.yaml"))
	for _, u := range live {
		var o *policy.Object
		if u["kind"] == policy.KindAppProject {
			var err error
			if o, err = policy.AppProjectObject(u); err != nil {
				t.Fatal(err)
			}
		} else {
			o = policy.ServiceAccountObject(u)
		}
		r.Objects = append(r.Objects, o)
	}
	return r
}

func causeFields(resp *admissionv1.AdmissionResponse) map[string]string {
	out := map[string]string{}
	if resp.Result != nil && resp.Result.Details != nil {
		for _, c := range resp.Result.Details.Causes {
			out[c.Field] = c.Message
		}
	}
	return out
}

// The guide's AppProject names its groups by display name: the change is
// refused with a cause at each group's field path; the fixed project (the
// group IDs) is accepted, as a create and as the update that fixes it.
func TestAppProjectDisplayNamesDenied(t *testing.T) {
	set := guideSettings(t)
	bad := ssoRBACObjects(t, "as-written", "appproject-team-a.yaml")[0]
	good := ssoRBACObjects(t, "fixed", "appproject-team-a.yaml")[0]
	for _, dryRun := range []bool{false, true} {
		h := validator(set, fixedCluster(t))
		resp := post(t, h, objectReview(t, admissionv1.Create, bad, nil, dryRun))
		if resp.Allowed {
			t.Fatalf("dryRun=%v: as-written AppProject allowed", dryRun)
		}
		causes := causeFields(resp)
		for _, f := range []string{"spec.roles[0].groups[0]", "spec.roles[1].groups[0]"} {
			if !strings.HasPrefix(causes[f], "PROJ-004") {
				t.Errorf("dryRun=%v: no PROJ-004 cause at %s: %v", dryRun, f, causes)
			}
		}
		if !strings.Contains(resp.Result.Message, "AppProject argocd/team-a is refused") {
			t.Errorf("denial does not name the AppProject: %s", resp.Result.Message)
		}
		if resp := post(t, h, objectReview(t, admissionv1.Create, good, nil, dryRun)); !resp.Allowed {
			t.Errorf("dryRun=%v: fixed AppProject refused: %s", dryRun, resp.Result.Message)
		}
	}
	// The fix of a live as-written project goes through; so does an edit
	// that leaves its old mistake (ratchet: a warning, never a block).
	h := validator(set, fixedCluster(t, bad))
	if resp := post(t, h, objectReview(t, admissionv1.Update, good, bad, false)); !resp.Allowed {
		t.Errorf("fixing the project refused: %s", resp.Result.Message)
	}
	edited := ssoRBACObjects(t, "as-written", "appproject-team-a.yaml")[0]
	edited["spec"].(map[string]any)["description"] = "Team A (edited)"
	resp := post(t, h, objectReview(t, admissionv1.Update, edited, bad, false))
	if !resp.Allowed || !strings.Contains(strings.Join(resp.Warnings, "\n"), "PROJ-004") {
		t.Errorf("an edit beside the live mistake: allowed=%v warnings=%q", resp.Allowed, resp.Warnings)
	}
	// Audit mode never refuses; the findings are warnings.
	resp = post(t, validator(withMode(set, settings.ModeAudit), fixedCluster(t)), objectReview(t, admissionv1.Create, bad, nil, false))
	if !resp.Allowed || !strings.Contains(strings.Join(resp.Warnings, "\n"), "PROJ-004") {
		t.Errorf("audit mode: allowed=%v warnings=%q", resp.Allowed, resp.Warnings)
	}
}

// A project outside Argo CD's namespace is not argocd-server's: not judged.
func TestAppProjectOutsideArgoCDNamespaceNotGuarded(t *testing.T) {
	bad := ssoRBACObjects(t, "as-written", "appproject-team-a.yaml")[0]
	bad["metadata"].(map[string]any)["namespace"] = "team-a"
	resp := post(t, validator(guideSettings(t), fixedCluster(t)), objectReview(t, admissionv1.Create, bad, nil, false))
	if !resp.Allowed || resp.Result == nil || resp.Result.Message != "not guarded by argoguard" {
		t.Errorf("AppProject in team-a judged: %+v", resp)
	}
}

// A ServiceAccount whose rbac-rule tests a display name is refused (the
// rule is never true for anyone); the fixed accounts are accepted; an
// account without the annotation is not argoguard's business.
func TestServiceAccountRuleDisplayNameDenied(t *testing.T) {
	set := guideSettings(t)
	bad := ssoRBACObjects(t, "as-written", "workflows-serviceaccounts.yaml")
	fixed := ssoRBACObjects(t, "fixed", "workflows-serviceaccounts.yaml")
	var fixedAccounts []map[string]any
	for _, u := range fixed {
		if u["kind"] == policy.KindServiceAccount {
			fixedAccounts = append(fixedAccounts, u)
		}
	}
	h := validator(set, fixedCluster(t, fixedAccounts...))
	for _, dryRun := range []bool{false, true} {
		resp := post(t, h, objectReview(t, admissionv1.Update, named(t, bad, "argo-developer"), named(t, fixed, "argo-developer"), dryRun))
		if resp.Allowed {
			t.Fatalf("dryRun=%v: display-name rbac-rule allowed", dryRun)
		}
		if c := causeFields(resp)["metadata.annotations[workflows.argoproj.io/rbac-rule]"]; !strings.HasPrefix(c, "WFSA-002") {
			t.Errorf("dryRun=%v: no WFSA-002 cause on the annotation: %v", dryRun, causeFields(resp))
		}
	}
	for _, u := range fixedAccounts {
		if resp := post(t, h, objectReview(t, admissionv1.Update, u, u, false)); !resp.Allowed {
			t.Errorf("fixed %s refused: %s", u["metadata"].(map[string]any)["name"], resp.Result.Message)
		}
	}
	plain := map[string]any{"apiVersion": "v1", "kind": "ServiceAccount",
		"metadata": map[string]any{"name": "builder", "namespace": "argo"}}
	if resp := post(t, h, objectReview(t, admissionv1.Create, plain, nil, false)); !resp.Allowed || resp.Result.Message != "not guarded by argoguard" {
		t.Errorf("ServiceAccount without rbac-rule judged: %+v", resp)
	}
}

// Malformed AppProject and ServiceAccount requests are refused with the
// field that is wrong, never a panic.
func TestRBACObjectRequestsMalformed(t *testing.T) {
	h := validator(guideSettings(t), fixedCluster(t))
	good := ssoRBACObjects(t, "fixed", "appproject-team-a.yaml")[0]
	other := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": good["metadata"]}
	resp := post(t, h, objectReview(t, admissionv1.Update, good, other, false))
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, "oldObject") {
		t.Errorf("an oldObject of another kind: %+v", resp.Result)
	}
}

// An UPDATE whose oldObject is JSON null names what is missing, not "<nil>".
func TestRBACObjectRequestWithoutOldObject(t *testing.T) {
	good := ssoRBACObjects(t, "fixed", "appproject-team-a.yaml")[0]
	body := bytes.Replace(objectReview(t, admissionv1.Update, good, good, false), []byte(`"oldObject":{`), []byte(`"oldObject":null,"x":{`), 1)
	resp := post(t, validator(guideSettings(t), fixedCluster(t)), body)
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, "oldObject: the admission request carries no AppProject") {
		t.Errorf("an UPDATE without oldObject: %+v", resp.Result)
	}
}
