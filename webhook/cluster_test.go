package webhook

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/internal/testenv"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// TestClusterReaderNeedsOnlyTheGuardedNames runs ClusterReader against a
// real API server as a user whose RBAC allows get/list/watch on the three
// guarded ConfigMaps by resourceNames and nothing else: the caches sync,
// which they could not if argoguard listed or watched any other ConfigMap.
func TestClusterReaderNeedsOnlyTheGuardedNames(t *testing.T) {
	env := testenv.APIServer(t)
	admin, scheme := env.Client, env.Scheme
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	set := guideSettings(t)
	for _, ns := range []string{"argocd", "argo"} {
		if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
		names := []string{set.Workflows.ConfigMap}
		if ns == "argocd" {
			names = []string{set.ArgoCD.ConfigMap, set.ArgoCD.RBACConfigMap}
		}
		grantArgoguard(t, admin, ns, rbacv1.PolicyRule{
			APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: names, Verbs: []string{"get", "list", "watch"}})
	}
	for _, cm := range []*corev1.ConfigMap{
		guideConfigMap(t, "as-written", "argocd-cm.yaml"),
		guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml"),
		{ObjectMeta: metav1.ObjectMeta{Namespace: "argocd", Name: "unrelated"}, Data: map[string]string{"k": "v"}},
	} {
		if err := admin.Create(ctx, cm); err != nil {
			t.Fatal(err)
		}
	}

	user, err := env.AddUser(envtest.User{Name: "argoguard"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	restricted, _ := client.New(user.Config(), client.Options{Scheme: scheme})
	var all corev1.ConfigMapList
	if err := restricted.List(ctx, &all, client.InNamespace("argocd")); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Fatalf("the test user may list all ConfigMaps (err %v); the test would prove nothing", err)
	}

	reader := NewClusterReader(user.Config(), scheme, restricted)
	if err := reader.Watch(set); err != nil {
		t.Fatal(err)
	}
	// Two subscribers each hear of the informers' events.
	var heard [2]chan policy.ObjectRef
	for i := range heard {
		ch := make(chan policy.ObjectRef, 64)
		heard[i] = ch
		reader.OnChange(func(ref policy.ObjectRef) {
			select {
			case ch <- ref:
			default:
			}
		})
	}
	// Before the caches run, a read fails with an error instead of
	// blocking the admission or reading nothing.
	early, cancelEarly := context.WithTimeout(ctx, 100*time.Millisecond)
	if _, err := reader.ConfigMap(early, "argocd", set.ArgoCD.ConfigMap); err == nil {
		t.Error("read before the caches started gave no error")
	}
	cancelEarly()
	go func() { _ = reader.Start(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for reader.Synced(set) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("caches never synced with name-scoped RBAC: %v", reader.Synced(set))
		}
		time.Sleep(100 * time.Millisecond)
	}

	snap, err := (&snapshot.Source{Reader: reader}).Build(ctx, set, nil)
	if err != nil {
		t.Fatal(err)
	}
	if snap.ArgoCDCM == nil || snap.RBACCM == nil || snap.WorkflowsCM != nil {
		t.Fatalf("snapshot: argocd-cm %v, rbac %v, workflows %v (absent in the cluster)", snap.ArgoCDCM != nil, snap.RBACCM != nil, snap.WorkflowsCM != nil)
	}
	if !strings.Contains(snap.RBACCM.Data["policy.csv"], "/*") {
		t.Error("RBAC ConfigMap read without its data")
	}

	// Changes reach the cache: the Workflows ConfigMap appears.
	if err := admin.Create(ctx, guideConfigMap(t, "as-written", "workflow-controller-configmap.yaml")); err != nil {
		t.Fatal(err)
	}
	for {
		obj, err := reader.ConfigMap(ctx, "argo", set.Workflows.ConfigMap)
		if err != nil {
			t.Fatal(err)
		}
		if obj != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("new guarded ConfigMap never reached the cache")
		}
		time.Sleep(100 * time.Millisecond)
	}
	wf := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: set.Workflows.ConfigMap}
	for i, ch := range heard {
		for got := false; !got; {
			select {
			case ref := <-ch:
				got = ref == wf
			case <-time.After(time.Until(deadline)):
				t.Fatalf("subscriber %d never heard that %s was created", i, wf)
			}
		}
	}
	reader.mu.Lock()
	n := len(reader.caches)
	reader.mu.Unlock()
	if n != 3 {
		t.Errorf("%d caches, want one per guarded object", n)
	}
}

// A cluster with Argo CD only: no `argo` namespace, so no Role there and
// the Workflows ConfigMap cannot exist. With workflows.enabled: false the
// caches of Argo CD's two objects are all readiness waits for.
func TestClusterReaderReadyWithArgoCDOnly(t *testing.T) {
	env := testenv.APIServer(t)
	admin, scheme := env.Client, env.Scheme
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	set, err := settings.Parse([]byte("workflows: {enabled: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argocd"}}); err != nil {
		t.Fatal(err)
	}
	grantArgoguard(t, admin, "argocd", rbacv1.PolicyRule{
		APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"argocd-cm", "argocd-rbac-cm"}, Verbs: []string{"get", "list", "watch"}})
	if err := admin.Create(ctx, guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")); err != nil {
		t.Fatal(err)
	}
	user, err := env.AddUser(envtest.User{Name: "argoguard"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	restricted, _ := client.New(user.Config(), client.Options{Scheme: scheme})
	reader := NewClusterReader(user.Config(), scheme, restricted)
	if err := reader.Watch(set); err != nil {
		t.Fatal(err)
	}
	go func() { _ = reader.Start(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for reader.Synced(set) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("not ready with Argo CD only: %v", reader.Synced(set))
		}
		time.Sleep(100 * time.Millisecond)
	}
	snap, err := (&snapshot.Source{Reader: reader}).Build(ctx, set, nil)
	if err != nil || snap.RBACCM == nil || snap.ArgoCDCM != nil || snap.WorkflowsCM != nil {
		t.Fatalf("snapshot: err %v, rbac %v, argocd-cm %v, workflows %v", err, snap != nil && snap.RBACCM != nil, snap != nil && snap.ArgoCDCM != nil, snap != nil && snap.WorkflowsCM != nil)
	}
}

// grantArgoguard gives the test user "argoguard" exactly rules in ns.
func grantArgoguard(t *testing.T, admin client.Client, ns string, rules ...rbacv1.PolicyRule) {
	t.Helper()
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "argoguard"}, Rules: rules}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "argoguard"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "argoguard"},
		Subjects: []rbacv1.Subject{{Kind: "User", Name: "argoguard"}}}
	for _, o := range []client.Object{role, binding} {
		if err := admin.Create(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
}
