package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// With the workflows-delegation component on a real kube-apiserver (no
// argoguard behind the webhooks, so a write sent to one fails): an
// rbac-rule ServiceAccount's write in any namespace is sent to argoguard;
// an unannotated ServiceAccount's write, in any namespace, never waits on
// it.
func TestDelegationOnlyRBACRuleAccountsWaitOnArgoguard(t *testing.T) {
	cfg := startAPIServer(t)
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	sa := func(ns, name string, ann map[string]string) *corev1.ServiceAccount {
		return &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: ann}}
	}
	rule := map[string]string{annotationRule: "'team-a-id' in groups"}
	for _, ns := range []string{"argocd", "argo", "team-a"} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []client.Object{sa("team-a", "ruled", rule), sa("team-a", "plain", nil), sa("kube-system", "plain", nil)} {
		if err := c.Create(ctx, o); err != nil {
			t.Fatalf("creating %s: %v", o.GetName(), err)
		}
	}
	for _, o := range kustomize(t, "test/deploy/testdata/workflows-delegation") {
		if strings.HasSuffix(o.GetKind(), "WebhookConfiguration") {
			if err := c.Create(ctx, o.DeepCopy()); err != nil {
				t.Fatalf("installing %s: %v", o.key(), err)
			}
		}
	}
	// The API server picks new webhook configurations up asynchronously.
	deadline := time.Now().Add(time.Minute)
	for c.Create(ctx, sa("team-a", "probe", rule), client.DryRunAll) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the webhook configurations never took effect")
		}
		time.Sleep(200 * time.Millisecond)
	}
	get := func(o client.Object) client.Object {
		t.Helper()
		if err := c.Get(ctx, client.ObjectKeyFromObject(o), o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	withLabel := func(o client.Object) client.Object {
		o.SetLabels(map[string]string{"touched": "yes"})
		return o
	}
	for _, tc := range []struct {
		what  string
		write func() error
		sent  bool // sent to the ServiceAccount webhook (and refused: argoguard is not running)
	}{
		{"create an rbac-rule ServiceAccount in team-a", func() error { return c.Create(ctx, sa("team-a", "new", rule), client.DryRunAll) }, true},
		{"create an rbac-rule ServiceAccount in argo", func() error { return c.Create(ctx, sa("argo", "new", rule), client.DryRunAll) }, true},
		{"update an rbac-rule ServiceAccount in team-a", func() error { return c.Update(ctx, withLabel(get(sa("team-a", "ruled", nil))), client.DryRunAll) }, true},
		{"create a plain ServiceAccount in team-a", func() error { return c.Create(ctx, sa("team-a", "new", nil), client.DryRunAll) }, false},
		{"update a plain ServiceAccount in team-a", func() error { return c.Update(ctx, withLabel(get(sa("team-a", "plain", nil))), client.DryRunAll) }, false},
		{"update a plain ServiceAccount in kube-system", func() error {
			return c.Update(ctx, withLabel(get(sa("kube-system", "plain", nil))), client.DryRunAll)
		}, false},
		{"create a plain ServiceAccount in default", func() error { return c.Create(ctx, sa("default", "new", nil), client.DryRunAll) }, false},
	} {
		err := tc.write()
		switch {
		case !tc.sent && err != nil:
			t.Errorf("%s: refused, want it to go through: %v", tc.what, err)
		case tc.sent && (err == nil || !strings.Contains(err.Error(), `"`+hookServiceAccounts+`"`)):
			t.Errorf("%s: %v, want a failed call to %s", tc.what, err, hookServiceAccounts)
		}
	}
}
