package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With the webhook process stopped, failurePolicy Fail makes every write to
// a guarded object fail (create, update, delete), while the matchConditions
// keep every other write away from argoguard: other ConfigMaps, in the same
// namespaces too, and Secrets are written as usual.
func TestWebhookDownFailsClosedOnlyForGuardedObjects(t *testing.T) {
	c := fresh(t)
	if res := kubectl(t, "apply", "-f", guide("fixed", "argocd-rbac-cm.yaml")); res.Err != nil {
		t.Fatalf("setup: %s", res)
	}
	if err := c.StopWebhook(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { useSettings(t, c, enforceSettings) })

	failsClosed := func(what string, res interface{ Output() string }, exit int) {
		t.Helper()
		if exit == 0 {
			t.Errorf("%s succeeded with the webhook down", what)
		} else if !strings.Contains(res.Output(), "failed calling webhook") {
			t.Errorf("%s: kubectl did not say it failed calling the webhook", what)
		}
	}
	res := kubectl(t, "apply", "-f", guide("fixed", "argocd-cm.yaml"))
	failsClosed("create argocd-cm", res, res.ExitCode)
	if getConfigMap(t, "argocd", "argocd-cm") != nil {
		t.Errorf("argocd-cm stored with the webhook down")
	}
	res = kubectl(t, "label", "configmap", "argocd-rbac-cm", "-n", "argocd", "outage=test")
	failsClosed("update argocd-rbac-cm", res, res.ExitCode)
	res = kubectl(t, "delete", "configmap", "argocd-rbac-cm", "-n", "argocd")
	failsClosed("delete argocd-rbac-cm", res, res.ExitCode)
	stored := getConfigMap(t, "argocd", "argocd-rbac-cm")
	if stored == nil || stored.Labels["outage"] != "" {
		t.Errorf("argocd-rbac-cm changed or deleted with the webhook down: %+v", stored)
	}

	// Everything else is written as usual.
	generated := filepath.Join(t.TempDir(), "generated.yaml")
	if err := os.WriteFile(generated, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: argocd-cm-\n  namespace: argocd\ndata:\n  k: v\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"create", "configmap", "argocd-notifications-cm", "-n", "argocd", "--from-literal=k=v"},
		{"create", "configmap", "artifact-repositories", "-n", "argo", "--from-literal=k=v"},
		{"create", "configmap", "app-settings", "-n", "default", "--from-literal=k=v"},
		{"create", "-f", generated},
		{"create", "secret", "generic", "argocd-notifications-secret", "-n", "argocd", "--from-literal=k=v"},
		{"label", "configmap", "argocd-notifications-cm", "-n", "argocd", "outage=test"},
		{"delete", "configmap", "argocd-notifications-cm", "-n", "argocd"},
		{"delete", "configmap", "artifact-repositories", "-n", "argo"},
		{"delete", "configmap", "app-settings", "-n", "default"},
		{"delete", "secret", "argocd-notifications-secret", "-n", "argocd"},
	} {
		if res := kubectl(t, args...); res.Err != nil {
			t.Errorf("an unguarded write failed with the webhook down: %s", res)
		}
	}
	// The generateName object was stored under its generated name; remove it.
	list := kubectl(t, "get", "configmaps", "-n", "argocd", "-o", "name")
	var made string
	for _, line := range strings.Fields(list.Stdout) {
		if strings.HasPrefix(line, "configmap/argocd-cm-") {
			made = line
		}
	}
	if made == "" {
		t.Errorf("the generateName ConfigMap was not stored: %s", list)
	} else if res := kubectl(t, "delete", made, "-n", "argocd"); res.Err != nil {
		t.Errorf("deleting %s: %s", made, res)
	}
}
