package deploy

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// SSO namespace delegation is opt-in: the workflows-delegation component
// (or the chart's settings.workflows.namespaceDelegation) widens the
// ServiceAccount webhook to every namespace and grants a cluster-wide read
// of ServiceAccounts. With it, an rbac-rule account's write in any
// namespace reaches argoguard and every other write (an unannotated
// ServiceAccount in any namespace included) never does; the reads a
// delegated account's admission makes are granted. Without it (every
// other rendering, TestRBACGrantsExactlyTheReadsOfAppProjectsAndServiceAccounts)
// nothing reads ServiceAccounts outside the Workflows namespace.
func TestWorkflowsDelegationOptIn(t *testing.T) {
	helmOn, err := helmTemplate(t, map[string]any{"settings.workflows.namespaceDelegation": true}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	helmWorkflowsOnly, err := helmTemplate(t, map[string]any{"settings.workflows.namespaceDelegation": true, "settings.argocd.enabled": false}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	workflowsOnly := scope{configMaps: []guarded{{"argo", "workflow-controller-configmap"}}, accountsNS: "argo", accountsAnyNS: true}
	stock := stockScope
	stock.accountsAnyNS = true
	for _, tc := range []struct {
		name  string
		objs  []object
		scope scope
	}{
		{"kustomize workflows-delegation", kustomize(t, "test/deploy/testdata/workflows-delegation"), stock},
		{"kustomize workflows-only then workflows-delegation", kustomize(t, "test/deploy/testdata/workflows-only-delegation"), workflowsOnly},
		{"helm settings.workflows.namespaceDelegation", helmOn, stock},
		{"helm, Workflows only, namespaceDelegation", helmWorkflowsOnly, workflowsOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireValidObjects(t, tc.name, tc.objs)
			for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
				requireScope(t, tc.name+" "+kind, webhooksOf(t, find(t, tc.objs, kind, "argoguard")), tc.scope, kind == "MutatingWebhookConfiguration")
			}
			reads := unnamedReads(t, tc.objs)
			if !slices.Contains(reads, "* /serviceaccounts get,list,watch") {
				t.Errorf("no cluster-wide read of ServiceAccounts: %v", reads)
			}
			for _, r := range reads {
				if strings.HasPrefix(r, "* ") && r != "* /serviceaccounts get,list,watch" {
					t.Errorf("the opt-in grants more than reading ServiceAccounts: %s", r)
				}
			}
			// What an admission of team-a's rbac-rule account reads.
			set := loadShippedSettings(t, tc.name, find(t, tc.objs, "ConfigMap", "argoguard-settings"))
			set.Workflows.NamespaceDelegation = true
			if tc.scope.projectsNS == "" {
				off := false
				set.ArgoCD.Enabled = &off
			}
			rec := &recordingReader{reads: map[string]bool{}}
			changed := policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "team-a", Name: "team-devs"}
			if _, err := snapshot.AddRBACObjects(context.Background(), &policy.Snapshot{Settings: set, Changed: &changed}, rec); err != nil {
				t.Fatal(err)
			}
			for read := range rec.reads {
				ns, res, _ := strings.Cut(read, " ")
				if !slices.Contains(reads, ns+" "+res+" get,list,watch") && !slices.Contains(reads, "* "+res+" get,list,watch") {
					t.Errorf("argoguard reads %s, which is not granted: %v", read, reads)
				}
			}
			if !rec.reads["team-a /serviceaccounts"] || !rec.reads["argo /serviceaccounts"] {
				t.Errorf("a team-a account's admission lists %v, want team-a's and argo's accounts", rec.reads)
			}
		})
	}

	// The chart renders the component's grant and webhook.
	kust := kustomize(t, "test/deploy/testdata/workflows-delegation")
	for _, kind := range []string{"ClusterRole", "ClusterRoleBinding"} {
		if h, k := find(t, helmOn, kind, "argoguard-serviceaccounts"), find(t, kust, kind, "argoguard-serviceaccounts"); comparable(h) != comparable(k) {
			t.Errorf("%s differs:\nhelm:      %s\nkustomize: %s", kind, comparable(h), comparable(k))
		}
	}
	h := hookNamed(t, "helm", webhooksOf(t, find(t, helmOn, "ValidatingWebhookConfiguration", "argoguard")), hookServiceAccounts)
	k := hookNamed(t, "kustomize", webhooksOf(t, find(t, kust, "ValidatingWebhookConfiguration", "argoguard")), hookServiceAccounts)
	if !reflect.DeepEqual(h, k) {
		t.Errorf("the ServiceAccount webhook differs:\nhelm:      %+v\nkustomize: %+v", h, k)
	}
	if h.NamespaceSelector != nil {
		t.Errorf("with delegation the ServiceAccount webhook still selects namespaces: %+v", h.NamespaceSelector)
	}
}
