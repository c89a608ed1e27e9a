package deploy

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

// With one replica a PodDisruptionBudget of minAvailable 1 lets no
// eviction through: every node drain would block on argoguard's pod. The
// chart renders it only for more than one replica.
func TestHelmPDBOnlyWithMoreThanOneReplica(t *testing.T) {
	for _, tc := range []struct {
		replicas int
		want     bool
	}{{1, false}, {2, true}, {3, true}} {
		objs, err := helmTemplate(t, map[string]any{"replicaCount": tc.replicas})
		if err != nil {
			t.Fatal(err)
		}
		var pdbs int
		for _, o := range objs {
			if o.GetKind() == "PodDisruptionBudget" {
				pdbs++
			}
		}
		if got := pdbs == 1; got != tc.want || pdbs > 1 {
			t.Errorf("replicaCount %d: %d PodDisruptionBudgets, want one: %v", tc.replicas, pdbs, tc.want)
		}
	}
}

// A cluster that runs only Argo CD (or only Argo Workflows) says so in the
// settings: the chart renders no Role in the other's namespace (which may
// not exist) and no write there reaches argoguard.
func TestHelmOneComponentOnly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sets  map[string]any
		roles []string
		scope scope
	}{
		{
			name: "Argo CD only",
			sets: map[string]any{"settings.workflows.enabled": false, "readSecrets.argocd": []any{"argocd-secret"}, "readSecrets.workflows": []any{"wf-sso"}},
			roles: []string{
				"argocd/argoguard-appprojects ",
				"argocd/argoguard-guarded-configmaps configmaps:[argocd-cm argocd-rbac-cm]",
				"argocd/argoguard-referenced-secrets secrets:[argocd-secret]",
				"argocd/argoguard-reports policyreports:[argoguard-appprojects argoguard-argocd-cm argoguard-argocd-rbac-cm] reports:[argoguard-appprojects argoguard-argocd-cm argoguard-argocd-rbac-cm]",
				"argoguard/argoguard configmaps:[argoguard-settings] leases:[argoguard-leader] secrets:[argoguard-tls]",
			},
			scope: scope{configMaps: []guarded{{"argocd", "argocd-cm"}, {"argocd", "argocd-rbac-cm"}}, projectsNS: "argocd"},
		},
		{
			name: "Argo Workflows only",
			sets: map[string]any{"settings.argocd.enabled": false, "readSecrets.tokenSecretNames": true},
			roles: []string{
				"argo/argoguard-guarded-configmaps configmaps:[workflow-controller-configmap]",
				"argo/argoguard-reports policyreports:[argoguard-serviceaccounts argoguard-workflow-controller-configmap] reports:[argoguard-serviceaccounts argoguard-workflow-controller-configmap]",
				"argo/argoguard-serviceaccounts ",
				"argo/argoguard-token-secrets ",
				"argoguard/argoguard configmaps:[argoguard-settings] leases:[argoguard-leader] secrets:[argoguard-tls]",
			},
			scope: scope{configMaps: []guarded{{"argo", "workflow-controller-configmap"}}, accountsNS: "argo"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := helmTemplate(t, tc.sets)
			if err != nil {
				t.Fatal(err)
			}
			requireValidObjects(t, tc.name, objs)
			var roles []string
			for _, o := range objs {
				if o.GetKind() == "Role" {
					roles = append(roles, o.GetNamespace()+"/"+o.GetName()+" "+ruleNames(o))
				}
			}
			sort.Strings(roles)
			if !reflect.DeepEqual(roles, tc.roles) {
				t.Errorf("Roles\n  %s\nwant\n  %s", strings.Join(roles, "\n  "), strings.Join(tc.roles, "\n  "))
			}
			for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
				hooks := webhooksOf(t, find(t, objs, kind, "argoguard"))
				hook := hooks[0]
				want := []string{tc.scope.configMaps[0].namespace}
				if got := hook.NamespaceSelector.MatchExpressions[0].Values; !reflect.DeepEqual(got, want) {
					t.Errorf("%s: namespaceSelector values %v, want %v", kind, got, want)
				}
				requireScope(t, kind, hooks, tc.scope, kind == "MutatingWebhookConfiguration")
			}
		})
	}
	if _, err := helmTemplate(t, map[string]any{"settings.argocd.enabled": false, "settings.workflows.enabled": false}); err == nil ||
		!strings.Contains(err.Error(), "guard nothing") {
		t.Errorf("both components off: error %v, want one saying argoguard would guard nothing", err)
	}
}

// The kustomize components for a cluster with one of the two: no Role in
// the other's namespace, and the webhooks select only the remaining
// objects, on every operation.
func TestKustomizeOneComponentOnly(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		absent string
		scope  scope
	}{
		{"test/deploy/testdata/argocd-only", "argo", scope{configMaps: []guarded{{"argocd", "argocd-cm"}, {"argocd", "argocd-rbac-cm"}}, projectsNS: "argocd"}},
		{"test/deploy/testdata/workflows-only", "argocd", scope{configMaps: []guarded{{"argo", "workflow-controller-configmap"}}, accountsNS: "argo"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			objs := kustomize(t, tc.dir)
			requireValidObjects(t, tc.dir, objs)
			roles := 0
			for _, o := range objs {
				if o.GetNamespace() == tc.absent {
					t.Errorf("%s in namespace %s, which this cluster does not have", o.key(), tc.absent)
				}
				if o.GetKind() == "Role" && o.GetNamespace() == tc.scope.configMaps[0].namespace {
					roles++
				}
			}
			if roles != 3 { // guarded-configmaps, reports, and appprojects or serviceaccounts
				t.Errorf("%d Roles in %s, want 3", roles, tc.scope.configMaps[0].namespace)
			}
			for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
				hooks := webhooksOf(t, find(t, objs, kind, "argoguard"))
				if got := hooks[0].NamespaceSelector.MatchExpressions[0].Values; !reflect.DeepEqual(got, []string{tc.scope.configMaps[0].namespace}) {
					t.Errorf("%s: namespaceSelector values %v", kind, got)
				}
				requireScope(t, kind, hooks, tc.scope, kind == "MutatingWebhookConfiguration")
			}
		})
	}
}
