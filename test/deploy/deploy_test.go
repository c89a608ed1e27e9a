package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/snapshot"
)

// The kustomizations argoguard ships, and the one combining the base with
// the read-secrets component (as the e2e tests apply it).
var kustomizations = []string{
	"deploy/base",
	"deploy/overlays/audit",
	"deploy/overlays/cert-manager",
	"test/e2e/testdata/read-secrets",
}

// certManagerObject is the part of cert-manager's Issuer and Certificate
// the overlays use; strict decoding catches a misspelt field.
type certManagerObject struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   map[string]any `json:"metadata"`
	Spec       struct {
		SelfSigned *struct{} `json:"selfSigned,omitempty"`
		CA         *struct {
			SecretName string `json:"secretName"`
		} `json:"ca,omitempty"`
		IsCA        bool     `json:"isCA,omitempty"`
		CommonName  string   `json:"commonName,omitempty"`
		SecretName  string   `json:"secretName,omitempty"`
		DNSNames    []string `json:"dnsNames,omitempty"`
		Duration    string   `json:"duration,omitempty"`
		RenewBefore string   `json:"renewBefore,omitempty"`
		Usages      []string `json:"usages,omitempty"`
		PrivateKey  *struct {
			Algorithm      string `json:"algorithm"`
			Size           int    `json:"size"`
			RotationPolicy string `json:"rotationPolicy,omitempty"`
		} `json:"privateKey,omitempty"`
		IssuerRef *struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"issuerRef,omitempty"`
	} `json:"spec"`
}

// requireValidObjects decodes every object strictly: Kubernetes kinds into
// their Go types (an unknown or misplaced field is an error), cert-manager
// kinds into certManagerObject.
func requireValidObjects(t *testing.T, what string, objs []object) {
	t.Helper()
	decoder := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	for _, o := range objs {
		if strings.HasPrefix(o.GetAPIVersion(), "cert-manager.io/") {
			var cm certManagerObject
			if err := yaml.UnmarshalStrict([]byte(o.yaml), &cm); err != nil {
				t.Errorf("%s: %s: %v", what, o.key(), err)
			}
			continue
		}
		if _, _, err := decoder.Decode([]byte(o.yaml), nil, nil); err != nil {
			t.Errorf("%s: %s: %v", what, o.key(), err)
		}
	}
}

func TestKustomizationsBuildIntoValidObjects(t *testing.T) {
	for _, dir := range kustomizations {
		objs := kustomize(t, dir)
		requireValidObjects(t, dir, objs)
		for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
			find(t, objs, kind, "argoguard")
		}
		find(t, objs, "ConfigMap", "argoguard-settings")
	}
}

func TestHelmLintPasses(t *testing.T) {
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, files := range [][]string{nil, {guideValues}} {
		vals, err := helmValues(nil, files...)
		if err != nil {
			t.Fatal(err)
		}
		linter := lint.AllWithKubeVersion(chartDir, vals, releaseNS, kv)
		for _, m := range linter.Messages {
			if m.Severity >= support.WarningSev {
				t.Errorf("helm lint (values %v): %s", files, m)
			}
		}
	}
}

// Each Helm rendering is checked against the kustomization that ships the
// same setup: the same objects, and the same content once the labels each
// tool adds are set aside.
func TestHelmRendersWhatKustomizeDoes(t *testing.T) {
	for _, tc := range []struct {
		kustomization string
		sets          map[string]any
	}{
		{"deploy/base", nil},
		{"deploy/overlays/audit", map[string]any{"settings.mode": "audit"}},
		{"deploy/overlays/cert-manager", map[string]any{"certManagement": "cert-manager"}},
		// The settings ConfigMaps differ (the kustomize ones keep the
		// base's settings) and are not compared.
		{"test/deploy/testdata/argocd-only", map[string]any{"settings.workflows.enabled": false}},
		{"test/deploy/testdata/workflows-only", map[string]any{"settings.argocd.enabled": false}},
	} {
		t.Run(filepath.Base(tc.kustomization), func(t *testing.T) {
			helmObjs, err := helmTemplate(t, tc.sets, guideValues)
			if err != nil {
				t.Fatalf("helm template: %v", err)
			}
			requireValidObjects(t, "helm template", helmObjs)
			kustObjs := kustomize(t, tc.kustomization)
			var kustKeys []string
			for _, k := range keys(kustObjs) {
				if k != "Namespace /argoguard" { // helm install --create-namespace
					kustKeys = append(kustKeys, k)
				}
			}
			if got := keys(helmObjs); !reflect.DeepEqual(got, kustKeys) {
				t.Fatalf("helm renders\n  %s\nkustomize builds\n  %s", strings.Join(got, "\n  "), strings.Join(kustKeys, "\n  "))
			}
			for _, h := range helmObjs {
				var k object
				for _, o := range kustObjs {
					if o.key() == h.key() {
						k = o
					}
				}
				if h.GetKind() == "ConfigMap" {
					continue // settings compared parsed, in TestShippedSettingsAreTheGuides
				}
				if got, want := comparable(h), comparable(k); got != want {
					t.Errorf("%s differs:\nhelm:      %s\nkustomize: %s", h.key(), got, want)
				}
				if got, want := h.GetAnnotations()["cert-manager.io/inject-ca-from"], k.GetAnnotations()["cert-manager.io/inject-ca-from"]; got != want {
					t.Errorf("%s: cainjector annotation %q, kustomize %q", h.key(), got, want)
				}
			}
			requireSelectorsMatchPods(t, "helm", helmObjs)
			requireSelectorsMatchPods(t, tc.kustomization, kustObjs)
		})
	}
}

// comparable is the object as JSON without metadata labels and
// annotations, pod template labels and label selectors: the parts where
// Helm's and kustomize's conventions differ by design.
func comparable(o object) string {
	c := o.DeepCopy().Object
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"labels", "annotations", "matchLabels", "labelSelector"} {
				delete(v, k)
			}
			if o.GetKind() == "Service" {
				if spec, ok := v["spec"].(map[string]any); ok {
					delete(spec, "selector")
				}
			}
			for _, x := range v {
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(c)
	data, _ := json.Marshal(c)
	return string(data)
}

// requireSelectorsMatchPods checks that the Service, the PodDisruptionBudget
// and the Deployment's own selector all select the Deployment's pods.
func requireSelectorsMatchPods(t *testing.T, what string, objs []object) {
	t.Helper()
	var dep object
	for _, o := range objs {
		if o.GetKind() == "Deployment" {
			dep = o
		}
	}
	podLabels := nestedStrings(dep.Object, "spec", "template", "metadata", "labels")
	selectors := map[string]map[string]string{
		"Deployment selector": nestedStrings(dep.Object, "spec", "selector", "matchLabels"),
	}
	for _, o := range objs {
		switch o.GetKind() {
		case "Service":
			selectors["Service selector"] = nestedStrings(o.Object, "spec", "selector")
		case "PodDisruptionBudget":
			selectors["PodDisruptionBudget selector"] = nestedStrings(o.Object, "spec", "selector", "matchLabels")
		}
	}
	for name, sel := range selectors {
		if len(sel) == 0 {
			t.Errorf("%s: %s is empty", what, name)
		}
		for k, v := range sel {
			if podLabels[k] != v {
				t.Errorf("%s: %s %s=%s does not select the pods (labels %v)", what, name, k, v, podLabels)
			}
		}
	}
}

func nestedStrings(obj map[string]any, path ...string) map[string]string {
	var cur any = obj
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	out := map[string]string{}
	if m, ok := cur.(map[string]any); ok {
		for k, v := range m {
			out[k], _ = v.(string)
		}
	}
	return out
}

// The settings each rendering ships parse with argoguard's own parser
// (strict: a misspelt field fails) into exactly the guide's settings, with
// the mode the setup promises.
func TestShippedSettingsAreTheGuides(t *testing.T) {
	want, err := settingsfile.Load(guideSettings, nil)
	if err != nil {
		t.Fatal(err)
	}
	renderings := map[string]struct {
		objs []object
		mode settings.Mode
	}{}
	for _, dir := range kustomizations {
		mode := settings.ModeEnforce
		if strings.Contains(dir, "audit") {
			mode = settings.ModeAudit
		}
		renderings[dir] = struct {
			objs []object
			mode settings.Mode
		}{kustomize(t, dir), mode}
	}
	for name, sets := range map[string]map[string]any{
		"helm (guide values)":               nil,
		"helm (guide values, audit)":        {"settings.mode": "audit"},
		"helm (guide values, cert-manager)": {"certManagement": "cert-manager"},
	} {
		objs, err := helmTemplate(t, sets, guideValues)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mode := settings.ModeEnforce
		if sets["settings.mode"] == "audit" {
			mode = settings.ModeAudit
		}
		renderings[name] = struct {
			objs []object
			mode settings.Mode
		}{objs, mode}
	}
	for name, r := range renderings {
		got := loadShippedSettings(t, name, find(t, r.objs, "ConfigMap", "argoguard-settings"))
		w := *want
		w.Mode = r.mode
		if !reflect.DeepEqual(got, &w) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(&w)
			t.Errorf("%s: settings\n%s\nwant (the guide's, mode %s)\n%s", name, gj, r.mode, wj)
		}
	}

	// The chart's default values are valid settings too: stock names, enforce.
	objs, err := helmTemplate(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	def := loadShippedSettings(t, "helm (default values)", find(t, objs, "ConfigMap", "argoguard-settings"))
	if def.Mode != settings.ModeEnforce || def.ArgoCD.ConfigMap != "argocd-cm" || def.Workflows.Namespace != "argo" {
		t.Errorf("helm default settings: %+v", def)
	}
}

// loadShippedSettings writes the ConfigMap's files to a folder, as the
// volume mount does, and loads settings.yaml from it.
func loadShippedSettings(t *testing.T, what string, cm object) *settings.Settings {
	t.Helper()
	dir := t.TempDir()
	data := nestedStrings(cm.Object, "data")
	if data["settings.yaml"] == "" {
		t.Fatalf("%s: ConfigMap %s has no settings.yaml", what, cm.GetName())
	}
	for file, content := range data {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := settingsfile.Load(filepath.Join(dir, "settings.yaml"), nil)
	if err != nil {
		t.Fatalf("%s: the shipped settings do not load: %v", what, err)
	}
	return s
}

// Renamed objects (Helm installs often rename them) move the RBAC and the
// webhooks' filters with them: one Role per namespace, naming exactly the
// guarded ConfigMaps, and the referenced Secrets only when listed.
func TestHelmRenamedObjectsDriveRBACAndWebhooks(t *testing.T) {
	objs, err := helmTemplate(t, map[string]any{
		"settings.argocd.namespace":     "gitops",
		"settings.argocd.configMap":     "argo-cd-cm",
		"settings.argocd.rbacConfigMap": "argo-cd-rbac-cm",
		"settings.workflows.namespace":  "gitops",
		"settings.workflows.configMap":  "wf-controller-cm",
		"readSecrets.argocd":            []any{"argocd-secret"},
		"readSecrets.workflows":         []any{"wf-sso"},
	})
	if err != nil {
		t.Fatal(err)
	}
	requireValidObjects(t, "helm (renamed)", objs)
	var roles []string
	for _, o := range objs {
		if o.GetKind() == "Role" {
			roles = append(roles, o.GetNamespace()+"/"+o.GetName()+" "+ruleNames(o))
		}
	}
	sort.Strings(roles)
	want := []string{
		"argoguard/argoguard configmaps:[argoguard-settings] leases:[argoguard-leader] secrets:[argoguard-tls]",
		"gitops/argoguard-appprojects ",
		"gitops/argoguard-guarded-configmaps configmaps:[argo-cd-cm argo-cd-rbac-cm wf-controller-cm]",
		"gitops/argoguard-referenced-secrets secrets:[argocd-secret wf-sso]",
		"gitops/argoguard-reports policyreports:[argoguard-appprojects argoguard-argo-cd-cm argoguard-argo-cd-rbac-cm argoguard-serviceaccounts argoguard-wf-controller-cm] reports:[argoguard-appprojects argoguard-argo-cd-cm argoguard-argo-cd-rbac-cm argoguard-serviceaccounts argoguard-wf-controller-cm]",
		"gitops/argoguard-serviceaccounts ",
	}
	if !reflect.DeepEqual(roles, want) {
		t.Errorf("Roles\n  %s\nwant\n  %s", strings.Join(roles, "\n  "), strings.Join(want, "\n  "))
	}
	renamed := scope{
		configMaps: []guarded{{"gitops", "argo-cd-cm"}, {"gitops", "argo-cd-rbac-cm"}, {"gitops", "wf-controller-cm"}},
		projectsNS: "gitops",
		accountsNS: "gitops",
	}
	for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
		hooks := webhooksOf(t, find(t, objs, kind, "argoguard"))
		for _, hook := range hooks {
			if got := hook.NamespaceSelector.MatchExpressions[0].Values; !reflect.DeepEqual(got, []string{"gitops"}) {
				t.Errorf("%s %s: namespaceSelector values %v, want [gitops]", kind, hook.Name, got)
			}
		}
		requireScope(t, kind, hooks, renamed, kind == "MutatingWebhookConfiguration")
	}
}

// ruleNames summarizes a Role's named grants: "configmaps:[a b]".
func ruleNames(o object) string {
	rules, _, _ := unstructuredSlice(o.Object, "rules")
	var parts []string
	for _, r := range rules {
		m := r.(map[string]any)
		names, _ := m["resourceNames"].([]any)
		if len(names) == 0 {
			continue
		}
		var ns []string
		for _, n := range names {
			ns = append(ns, n.(string))
		}
		sort.Strings(ns)
		res := m["resources"].([]any)[0].(string)
		parts = append(parts, res+":["+strings.Join(ns, " ")+"]")
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func unstructuredSlice(obj map[string]any, key string) ([]any, bool, error) {
	v, ok := obj[key].([]any)
	return v, ok, nil
}

// extraArgs reach the webhook's command line after the chart's own flags.
func TestHelmExtraArgs(t *testing.T) {
	objs, err := helmTemplate(t, map[string]any{"extraArgs": []any{"--report-format=openreports", "--v=1"}})
	if err != nil {
		t.Fatal(err)
	}
	dep := find(t, objs, "Deployment", "argoguard")
	containers, _, _ := unstructuredSlice(nestedMap(dep.Object, "spec", "template", "spec"), "containers")
	args := containers[0].(map[string]any)["args"].([]any)
	if got := args[len(args)-2:]; got[0] != "--report-format=openreports" || got[1] != "--v=1" {
		t.Errorf("last args %v, want the extraArgs", got)
	}
}

// webhook.maxConcurrentAdmissions reaches the webhook's flag.
func TestHelmMaxConcurrentAdmissions(t *testing.T) {
	objs, err := helmTemplate(t, map[string]any{"webhook.maxConcurrentAdmissions": 8})
	if err != nil {
		t.Fatal(err)
	}
	dep := find(t, objs, "Deployment", "argoguard")
	containers, _, _ := unstructuredSlice(nestedMap(dep.Object, "spec", "template", "spec"), "containers")
	args := containers[0].(map[string]any)["args"].([]any)
	if !slices.Contains(args, any("--max-concurrent-admissions=8")) {
		t.Errorf("args %v lack --max-concurrent-admissions=8", args)
	}
}

func nestedMap(obj map[string]any, path ...string) map[string]any {
	cur := obj
	for _, p := range path {
		cur, _ = cur[p].(map[string]any)
	}
	return cur
}

func TestHelmRejectsBadValues(t *testing.T) {
	for _, tc := range []struct {
		sets map[string]any
		want string
	}{
		{map[string]any{"certManagement": "vault"}, `at '/certManagement': value must be one of 'self', 'cert-manager'`},
		{map[string]any{"settings.mode": "block"}, `at '/settings/mode': value must be one of 'enforce', 'audit'`},
		{map[string]any{"webhook.timeoutSeconds": 60}, `at '/webhook/timeoutSeconds'`},
		{map[string]any{"webhook.failurePolicy": "Never"}, `at '/webhook/failurePolicy'`},
		{map[string]any{"replicaCount": 0}, `at '/replicaCount'`},
		{map[string]any{"webhook.maxConcurrentAdmissions": 0}, `at '/webhook/maxConcurrentAdmissions'`},
		{map[string]any{"readSecrets.tokenSecretNames": "yes"}, `at '/readSecrets/tokenSecretNames'`},
		{map[string]any{"settings.workflows.namespaceDelegation": "false"}, `at '/settings/workflows/namespaceDelegation'`},
	} {
		_, err := helmTemplate(t, tc.sets)
		t.Logf("values %v: %v", tc.sets, err)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("values %v: error %v, want one saying %q", tc.sets, err, tc.want)
		}
	}
}

// TestReadSecretsGrantsExactlyTheReads: the read-secrets component (with
// the guide's names, as the e2e tests apply it) and the chart (with the
// same names in readSecrets) grant get on exactly the Secrets the webhook
// reads for the guide's ConfigMaps, as written and fixed: a read that is
// not granted leaves a Secret unjudged, a grant that is never read is
// privilege for nothing.
func TestReadSecretsGrantsExactlyTheReads(t *testing.T) {
	reads := map[string]bool{}
	argocdNames, workflowsNames := map[string]bool{}, map[string]bool{}
	for _, variant := range []string{"as-written", "fixed"} {
		set, err := settingsfile.Load(filepath.Join(repo, "test/testdata/guide/argoguard-settings.yaml"), nil)
		if err != nil {
			t.Fatal(err)
		}
		snap := &policy.Snapshot{Settings: set}
		for _, f := range []struct {
			file string
			slot **policy.Object
		}{{"argocd-cm.yaml", &snap.ArgoCDCM}, {"workflow-controller-configmap.yaml", &snap.WorkflowsCM}} {
			data, err := os.ReadFile(filepath.Join(repo, "test/testdata/guide", variant, f.file))
			if err != nil {
				t.Fatal(err)
			}
			var cm corev1.ConfigMap
			if err := yaml.UnmarshalStrict(data, &cm); err != nil {
				t.Fatal(err)
			}
			*f.slot = snapshot.ConfigMapObject(&cm)
		}
		for _, r := range snapshot.ReferencedSecrets(snap) {
			reads[r.Namespace+"/"+r.Name] = true
		}
		// The names a user lists in the chart's values: Argo CD's
		// references, and the Workflows client Secret.
		for _, r := range snapshot.ReferencedSecrets(&policy.Snapshot{Settings: set, ArgoCDCM: snap.ArgoCDCM}) {
			argocdNames[r.Name] = true
		}
		for _, r := range snapshot.ReferencedSecrets(&policy.Snapshot{Settings: set, WorkflowsCM: snap.WorkflowsCM}) {
			workflowsNames[r.Name] = true
		}
	}
	grants := func(objs []object) map[string]bool {
		out := map[string]bool{}
		for _, o := range objs {
			if o.GetKind() != "Role" || !strings.HasSuffix(o.GetName(), "-referenced-secrets") {
				continue
			}
			rules, _, _ := unstructuredSlice(o.Object, "rules")
			for _, r := range rules {
				for _, n := range r.(map[string]any)["resourceNames"].([]any) {
					out[o.GetNamespace()+"/"+n.(string)] = true
				}
			}
		}
		return out
	}
	list := func(m map[string]bool) []any {
		var out []any
		for k := range m {
			out = append(out, k)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].(string) < out[j].(string) })
		return out
	}
	helmObjs, err := helmTemplate(t, map[string]any{
		"readSecrets.argocd": list(argocdNames), "readSecrets.workflows": list(workflowsNames)}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	for what, got := range map[string]map[string]bool{
		"kustomize test/e2e/testdata/read-secrets": grants(kustomize(t, "test/e2e/testdata/read-secrets")),
		"helm with readSecrets":                    grants(helmObjs),
	} {
		if !reflect.DeepEqual(got, reads) {
			t.Errorf("%s grants get on\n  %v\nthe webhook reads\n  %v", what, list(got), list(reads))
		}
	}
}
