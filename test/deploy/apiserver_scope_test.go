package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// appProjectCRD is enough of Argo CD's AppProject CRD for the API server to
// serve argoproj.io/v1alpha1 appprojects.
func appProjectCRD() *apiextensionsv1.CustomResourceDefinition {
	preserve := true
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "appprojects.argoproj.io"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "argoproj.io",
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "appprojects", Singular: "appproject", Kind: "AppProject", ListKind: "AppProjectList"},
			Scope: apiextensionsv1.NamespaceScoped,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1alpha1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: &preserve,
				}},
			}},
		},
	}
}

// deploy/base's webhook configurations on a real kube-apiserver v1.37.2,
// with no argoguard behind them (its Service does not exist, so every call
// fails and failurePolicy Fail rejects the write): the API server's own
// matching (rules, namespaceSelector, matchConditions in its CEL) sends
// exactly the guarded writes to argoguard. AppProjects in argocd and
// ServiceAccounts in argo whose new or old version carries the rbac-rule
// annotation fail, deletes included; every other write, in those
// namespaces or elsewhere, goes through. Server-side dry-run reaches
// webhooks as a real write does (sideEffects None).
func TestOnlyGuardedWritesWaitOnArgoguard(t *testing.T) {
	cfg := startAPIServer(t, appProjectCRD())
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	sa := func(ns, name string, ann map[string]string) *corev1.ServiceAccount {
		return &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: ann}}
	}
	cm := func(ns, name string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string]string{"k": "v"}}
	}
	project := func(ns, name string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("argoproj.io/v1alpha1")
		u.SetKind("AppProject")
		u.SetNamespace(ns)
		u.SetName(name)
		_ = unstructured.SetNestedStringSlice(u.Object, []string{"*"}, "spec", "sourceRepos")
		return u
	}
	rule := map[string]string{annotationRule: "'team-a-id' in groups"}

	// What exists before argoguard is installed.
	for _, ns := range []string{"argocd", "argo", "team"} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []client.Object{
		sa("argo", "ruled", rule), sa("argo", "plain", nil), sa("team", "ruled", rule),
		cm("argocd", "argocd-cm"), cm("argocd", "other-cm"),
		project("argocd", "existing"), project("team", "existing"),
	} {
		if err := c.Create(ctx, o); err != nil {
			t.Fatalf("creating %s: %v", o.GetName(), err)
		}
	}

	for _, o := range kustomize(t, "deploy/base") {
		if strings.HasSuffix(o.GetKind(), "WebhookConfiguration") {
			if err := c.Create(ctx, o.DeepCopy()); err != nil {
				t.Fatalf("installing %s: %v", o.key(), err)
			}
		}
	}
	get := func(o client.Object) client.Object {
		t.Helper()
		if err := c.Get(ctx, client.ObjectKeyFromObject(o), o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	// The API server picks new webhook configurations up asynchronously:
	// wait until both are called (an update of argocd-cm fails in the
	// mutating one, its delete in the validating one).
	deadline := time.Now().Add(time.Minute)
	for {
		upd := c.Update(ctx, get(cm("argocd", "argocd-cm")), client.DryRunAll)
		del := c.Delete(ctx, cm("argocd", "argocd-cm"), client.DryRunAll)
		if upd != nil && strings.Contains(upd.Error(), `"`+hookMutate+`"`) && del != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the webhook configurations never took effect: update %v, delete %v", upd, del)
		}
		time.Sleep(200 * time.Millisecond)
	}
	withAnnotations := func(o client.Object, ann map[string]string) client.Object {
		o.SetAnnotations(ann)
		return o
	}
	withLabel := func(o client.Object) client.Object {
		o.SetLabels(map[string]string{"touched": "yes"})
		return o
	}
	// kube-controller-manager's namespace controller, as the API server
	// authenticates it (the bootstrap RBAC policy lets it delete anything).
	ncCfg := rest.CopyConfig(cfg)
	ncCfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:kube-system:namespace-controller"}
	asNamespaceController, err := client.New(ncCfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	generated := sa("argo", "", nil)
	generated.GenerateName = "gen-"

	for _, tc := range []struct {
		what  string
		write func() error
		hook  string // the webhook that must refuse it; "": it goes through
	}{
		{"create an rbac-rule ServiceAccount in argo", func() error { return c.Create(ctx, sa("argo", "new", rule), client.DryRunAll) }, hookServiceAccounts},
		{"create a plain ServiceAccount in argo", func() error { return c.Create(ctx, sa("argo", "new", nil), client.DryRunAll) }, ""},
		{"create a ServiceAccount with generateName in argo", func() error { return c.Create(ctx, generated, client.DryRunAll) }, ""},
		{"create a ServiceAccount with only a precedence in argo", func() error {
			return c.Create(ctx, sa("argo", "new", map[string]string{"workflows.argoproj.io/rbac-rule-precedence": "5"}), client.DryRunAll)
		}, ""},
		{"create an rbac-rule ServiceAccount in team", func() error { return c.Create(ctx, sa("team", "new", rule), client.DryRunAll) }, ""},
		{"update an rbac-rule ServiceAccount in argo", func() error { return c.Update(ctx, withLabel(get(sa("argo", "ruled", nil))), client.DryRunAll) }, hookServiceAccounts},
		{"remove the rbac-rule of a ServiceAccount in argo", func() error {
			return c.Update(ctx, withAnnotations(get(sa("argo", "ruled", nil)), nil), client.DryRunAll)
		}, hookServiceAccounts},
		{"add an rbac-rule to a ServiceAccount in argo", func() error {
			return c.Update(ctx, withAnnotations(get(sa("argo", "plain", nil)), rule), client.DryRunAll)
		}, hookServiceAccounts},
		{"update a plain ServiceAccount in argo", func() error { return c.Update(ctx, withLabel(get(sa("argo", "plain", nil))), client.DryRunAll) }, ""},
		{"update an rbac-rule ServiceAccount in team", func() error { return c.Update(ctx, withLabel(get(sa("team", "ruled", nil))), client.DryRunAll) }, ""},
		{"delete an rbac-rule ServiceAccount in argo", func() error { return c.Delete(ctx, sa("argo", "ruled", nil), client.DryRunAll) }, hookServiceAccounts},
		{"delete a plain ServiceAccount in argo", func() error { return c.Delete(ctx, sa("argo", "plain", nil), client.DryRunAll) }, ""},
		{"delete an rbac-rule ServiceAccount in team", func() error { return c.Delete(ctx, sa("team", "ruled", nil), client.DryRunAll) }, ""},
		// Deleting a namespace: the Namespace itself never waits, nor do
		// the namespace controller's deletes of what it holds, the guarded
		// objects included (argoguard allows them anyway): a namespace
		// deleted while argoguard is down still terminates.
		{"the namespace controller deletes a plain ServiceAccount in argo", func() error {
			return asNamespaceController.Delete(ctx, sa("argo", "plain", nil), client.DryRunAll)
		}, ""},
		{"the namespace controller deletes an rbac-rule ServiceAccount in argo", func() error {
			return asNamespaceController.Delete(ctx, sa("argo", "ruled", nil), client.DryRunAll)
		}, ""},
		{"the namespace controller deletes an AppProject in argocd", func() error {
			return asNamespaceController.Delete(ctx, project("argocd", "existing"), client.DryRunAll)
		}, ""},
		{"the namespace controller deletes argocd-cm", func() error {
			return asNamespaceController.Delete(ctx, cm("argocd", "argocd-cm"), client.DryRunAll)
		}, ""},
		{"the namespace controller deletes another ConfigMap in argocd", func() error {
			return asNamespaceController.Delete(ctx, cm("argocd", "other-cm"), client.DryRunAll)
		}, ""},
		{"delete the namespace argo", func() error {
			return c.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argo"}}, client.DryRunAll)
		}, ""},
		{"create an AppProject in argocd", func() error { return c.Create(ctx, project("argocd", "new"), client.DryRunAll) }, hookAppProjects},
		{"update an AppProject in argocd", func() error { return c.Update(ctx, withLabel(get(project("argocd", "existing"))), client.DryRunAll) }, hookAppProjects},
		{"delete an AppProject in argocd", func() error { return c.Delete(ctx, project("argocd", "existing"), client.DryRunAll) }, hookAppProjects},
		{"delete an AppProject in team", func() error { return c.Delete(ctx, project("team", "existing"), client.DryRunAll) }, ""},
		{"create an AppProject in team", func() error { return c.Create(ctx, project("team", "new"), client.DryRunAll) }, ""},
		{"update an AppProject in team", func() error { return c.Update(ctx, withLabel(get(project("team", "existing"))), client.DryRunAll) }, ""},
		// The mutating webhook is called first.
		{"update argocd-cm", func() error { return c.Update(ctx, withLabel(get(cm("argocd", "argocd-cm"))), client.DryRunAll) }, hookMutate},
		{"delete argocd-cm", func() error { return c.Delete(ctx, cm("argocd", "argocd-cm"), client.DryRunAll) }, hookConfigMaps},
		{"update another ConfigMap in argocd", func() error { return c.Update(ctx, withLabel(get(cm("argocd", "other-cm"))), client.DryRunAll) }, ""},
		{"create a Secret with an rbac-rule in argo", func() error {
			return c.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "argo", Name: "s", Annotations: rule}}, client.DryRunAll)
		}, ""},
	} {
		err := tc.write()
		switch {
		case tc.hook == "" && err != nil:
			t.Errorf("%s: refused, want it to go through: %v", tc.what, err)
		case tc.hook != "" && err == nil:
			t.Errorf("%s: went through, want it sent to %s (and refused: argoguard is not running)", tc.what, tc.hook)
		case tc.hook != "" && !strings.Contains(err.Error(), `"`+tc.hook+`"`):
			t.Errorf("%s: %v, want a failed call to %s", tc.what, err, tc.hook)
		}
	}
}
