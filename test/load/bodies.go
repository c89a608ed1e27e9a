package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/test/load/gen"
)

// body is one AdmissionReview the load generator sends over and over.
type body struct {
	Name string
	// Path is the file holding the JSON body.
	Path string
	// Bytes is the body's size.
	Bytes int
	UID   types.UID
	// Endpoint is the webhook path it is sent to: validate or mutate.
	Endpoint string
}

// readConfigMap reads a ConfigMap manifest of the guide.
func readConfigMap(path string) (*corev1.ConfigMap, error) {
	var cm corev1.ConfigMap
	if err := readManifest(path, &cm); err != nil {
		return nil, err
	}
	cm.APIVersion, cm.Kind = "v1", "ConfigMap"
	return &cm, nil
}

// readManifest reads one YAML manifest into obj, strictly.
func readManifest(path string, obj any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalStrict(raw, obj); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// updateReview is the AdmissionReview kube-apiserver sends for an UPDATE
// of a ConfigMap from old to cm by a user (as `kubectl apply` or an Argo
// CD sync does).
func updateReview(uid types.UID, cm, old *corev1.ConfigMap) ([]byte, error) {
	raw, err := json.Marshal(cm)
	if err != nil {
		return nil, err
	}
	oldRaw, err := json.Marshal(old)
	if err != nil {
		return nil, err
	}
	return objectUpdateReview(uid, metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, "configmaps",
		cm.Namespace, cm.Name, raw, oldRaw)
}

// objectUpdateReview is the AdmissionReview of an UPDATE of any object
// from oldRaw to raw (JSON).
func objectUpdateReview(uid types.UID, gvk metav1.GroupVersionKind, resource, ns, name string, raw, oldRaw []byte) ([]byte, error) {
	gvr := metav1.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: resource}
	dryRun := false
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: uid, Kind: gvk, Resource: gvr, RequestKind: &gvk, RequestResource: &gvr,
			Name: name, Namespace: ns, Operation: admissionv1.Update,
			UserInfo:  authnv1.UserInfo{Username: "platform-engineer@example.com", Groups: []string{"system:authenticated"}},
			Object:    runtime.RawExtension{Raw: raw},
			OldObject: runtime.RawExtension{Raw: oldRaw},
			DryRun:    &dryRun,
			Options:   runtime.RawExtension{Raw: []byte(`{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply"}`)},
		},
	}
	return json.Marshal(review)
}

// firstDocument reads the first YAML document of path as JSON, with its
// namespace and name.
func firstDocument(path string) (raw []byte, ns, name string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", "", err
	}
	doc, _, _ := strings.Cut(string(data), "\n---\n")
	var obj struct {
		Metadata struct{ Name, Namespace string }
	}
	if raw, err = yaml.YAMLToJSON([]byte(doc)); err == nil {
		err = json.Unmarshal(raw, &obj)
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("%s: %w", path, err)
	}
	return raw, obj.Metadata.Namespace, obj.Metadata.Name, nil
}

// rbacObjectBodies are the guide's AppProject and first rbac-rule
// ServiceAccount changed from fixed/ to as-written/ (display names where
// IDs are sent: denied), as `kubectl apply` sends them.
var rbacObjectBodies = []struct {
	name, file string
	gvk        metav1.GroupVersionKind
	resource   string
}{
	{"guide AppProject", "appproject-team-a.yaml", metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "AppProject"}, "appprojects"},
	{"guide rbac-rule ServiceAccount", "workflows-serviceaccounts.yaml", metav1.GroupVersionKind{Version: "v1", Kind: "ServiceAccount"}, "serviceaccounts"},
}

func isRBACObjectBody(name string) bool {
	for _, b := range rbacObjectBodies {
		if b.name == name {
			return true
		}
	}
	return false
}

// policyLineCounts are the sizes of generated argocd-rbac-cm policies.
var policyLineCounts = []int{10, 1000, 10000}

// writeBodies writes the AdmissionReview bodies into dir: the guide's
// three ConfigMaps changed from fixed/ to as-written/ (a bad change,
// denied), the guide's argocd-cm through the mutating webhook,
// argocd-rbac-cm with generated policies of 10, 1,000 and 10,000 lines,
// changed by adding one line (allowed), then the guide's AppProject and
// rbac-rule ServiceAccount changed from fixed/ to as-written/ (denied).
func writeBodies(guideDir, dir string) ([]body, error) {
	var out []body
	write := func(name, endpoint string, review func(types.UID) ([]byte, error)) error {
		uid := types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012d", len(out)+1))
		data, err := review(uid)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, name+".json")
		out = append(out, body{Name: name, Path: path, Bytes: len(data), UID: uid, Endpoint: endpoint})
		return os.WriteFile(path, data, 0o644)
	}
	add := func(name, endpoint string, cm, old *corev1.ConfigMap) error {
		return write(name, endpoint, func(uid types.UID) ([]byte, error) { return updateReview(uid, cm, old) })
	}
	for _, f := range []struct{ name, endpoint, file string }{
		{"guide argocd-cm", "validate", "argocd-cm.yaml"},
		{"guide argocd-rbac-cm", "validate", "argocd-rbac-cm.yaml"},
		{"guide workflow-controller-cm", "validate", "workflow-controller-configmap.yaml"},
		// The mutating path: the defaulting handler fills in what the
		// guide's argocd-cm leaves out (SAML fields of dex.config).
		{"guide argocd-cm (mutate)", "mutate", "argocd-cm.yaml"},
	} {
		cm, err := readConfigMap(filepath.Join(guideDir, "as-written", f.file))
		if err != nil {
			return nil, err
		}
		old, err := readConfigMap(filepath.Join(guideDir, "fixed", f.file))
		if err != nil {
			return nil, err
		}
		if err := add(f.name, f.endpoint, cm, old); err != nil {
			return nil, err
		}
	}
	base, err := readConfigMap(filepath.Join(guideDir, "fixed", "argocd-rbac-cm.yaml"))
	if err != nil {
		return nil, err
	}
	for _, n := range policyLineCounts {
		cm, old := base.DeepCopy(), base.DeepCopy()
		cm.Data = map[string]string{"policy.csv": gen.PolicyCSV(n), "policy.default": "role:readonly", "scopes": "[groups, email]"}
		old.Data = map[string]string{"policy.csv": gen.PolicyCSV(n - 1), "policy.default": "role:readonly", "scopes": "[groups, email]"}
		if err := add(fmt.Sprintf("argocd-rbac-cm %d lines", n), "validate", cm, old); err != nil {
			return nil, err
		}
	}
	for _, b := range rbacObjectBodies {
		raw, ns, name, err := firstDocument(filepath.Join(guideDir, "sso-rbac", "as-written", b.file))
		if err != nil {
			return nil, err
		}
		oldRaw, _, _, err := firstDocument(filepath.Join(guideDir, "sso-rbac", "fixed", b.file))
		if err != nil {
			return nil, err
		}
		err = write(b.name, "validate", func(uid types.UID) ([]byte, error) {
			return objectUpdateReview(uid, b.gvk, b.resource, ns, name, raw, oldRaw)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
