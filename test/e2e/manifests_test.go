package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

// Every kustomization argoguard ships renders with kubectl's kustomize,
// and the API server accepts every object of it (schema, the CEL of the
// matchConditions, RBAC) without a warning, PodSecurity "restricted" in the
// argoguard namespace included. cert-manager's own kinds are left out:
// their CRDs are not installed here (the deploy module's tests check them).
func TestShippedKustomizationsAreAcceptedByTheAPIServer(t *testing.T) {
	c := needCluster(t)
	for _, dir := range []string{"deploy/base", "deploy/overlays/audit", "deploy/overlays/cert-manager", "test/e2e/testdata/read-secrets"} {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			rendered := c.Kubectl(ctx, "kustomize", filepath.Join(repoRoot, dir))
			if rendered.Err != nil {
				t.Fatalf("kubectl kustomize: %s", rendered)
			}
			var keep []string
			kinds := map[string]int{}
			for _, doc := range cluster.SplitYAML([]byte(rendered.Stdout)) {
				var meta struct {
					APIVersion string `json:"apiVersion"`
					Kind       string `json:"kind"`
				}
				if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
					t.Fatal(err)
				}
				kinds[meta.Kind]++
				switch {
				case strings.HasPrefix(meta.APIVersion, "cert-manager.io/"):
					continue
				case strings.HasSuffix(meta.Kind, "WebhookConfiguration"):
					// Checked under another name: the installed argoguard
					// configurations point at the local URL, and merging a
					// service reference into them is no check of this one.
					doc = strings.Replace(doc, "\n  name: argoguard\n", "\n  name: argoguard-shipped-check\n", 1)
					if !strings.Contains(doc, "argoguard-shipped-check") {
						t.Fatalf("%s: webhook configuration not named argoguard:\n%s", dir, doc)
					}
				}
				keep = append(keep, doc)
			}
			for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "ConfigMap", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
				if kinds[kind] != 1 {
					t.Errorf("%d objects of kind %s, want 1", kinds[kind], kind)
				}
			}
			path := filepath.Join(t.TempDir(), "objects.yaml")
			if err := os.WriteFile(path, []byte(strings.Join(keep, "\n---\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			// The field manager that installed deploy/base (cluster.Start): as for
			// a user switching overlays, fields the overlay drops are removed.
			res := kubectl(t, "apply", "--dry-run=server", "--server-side", "--force-conflicts", "--field-manager=argoguard-install", "-f", path)
			if res.Err != nil {
				t.Fatalf("the API server rejected %s: %s", dir, res)
			}
			if w := warnings(res); len(w) > 0 {
				t.Errorf("the API server warned about %s: %v", dir, w)
			}
		})
	}
}

// The webhook runs as argoguard's ServiceAccount with deploy/base's RBAC in
// every scenario (so that RBAC is enough); this checks it is no more.
func TestServiceAccountHasLeastPrivilege(t *testing.T) {
	needCluster(t)
	// The report CRDs, so kubectl knows the report resources asked about.
	if res := kubectl(t, "apply", "-k", repoRoot+"/deploy/crds"); res.Err != nil {
		t.Fatalf("installing the report CRDs: %s", res)
	}
	if res := kubectl(t, "wait", "--for=condition=Established", "--timeout=120s", "crd/policyreports.wgpolicyk8s.io"); res.Err != nil {
		t.Fatalf("%s", res)
	}
	installAppProjectCRD(t) // for the same reason
	const sa = "system:serviceaccount:" + cluster.GuardNamespace + ":" + cluster.GuardServiceAccount
	for _, tc := range []struct {
		verb, resource, ns string
		allowed            bool
	}{
		{"get", "configmaps/argocd-cm", "argocd", true},
		{"watch", "configmaps/argocd-rbac-cm", "argocd", true},
		{"list", "configmaps/workflow-controller-configmap", "argo", true},
		{"list", "configmaps", "argocd", false}, // only with a metadata.name field selector
		{"get", "configmaps/argocd-notifications-cm", "argocd", false},
		{"get", "configmaps/argocd-cm", "default", false},
		{"update", "configmaps/argocd-cm", "argocd", false}, // argoguard never writes what it guards
		{"get", "secrets/argocd-secret", "argocd", false},   // Secrets: opt-in component only
		{"list", "secrets", "argocd", false},
		{"get", "secrets/argoguard-tls", "argoguard", true},
		{"update", "secrets/argoguard-tls", "argoguard", true},
		{"get", "secrets/other", "argoguard", false},
		{"create", "secrets", "argoguard", false},
		{"create", "leases.coordination.k8s.io", "argoguard", true},
		{"update", "leases.coordination.k8s.io/argoguard-leader", "argoguard", true},
		{"update", "leases.coordination.k8s.io/kube-scheduler", "kube-system", false},
		{"update", "validatingwebhookconfigurations.admissionregistration.k8s.io/argoguard", "", true},
		{"update", "mutatingwebhookconfigurations.admissionregistration.k8s.io/argoguard", "", true},
		{"update", "validatingwebhookconfigurations.admissionregistration.k8s.io/other", "", false},
		{"delete", "validatingwebhookconfigurations.admissionregistration.k8s.io/argoguard", "", false},
		{"create", "pods", "argoguard", false},
		// The settings ConfigMap: read for its UID (the settings Events), never written.
		{"get", "configmaps/argoguard-settings", "argoguard", true},
		{"update", "configmaps/argoguard-settings", "argoguard", false},
		{"list", "configmaps", "argoguard", false},
		// AppProjects of Argo CD's namespace and the ServiceAccounts of the
		// Workflows namespace: read, never written; token Secrets' names
		// only with the opt-in read-secrets component.
		{"list", "appprojects.argoproj.io", "argocd", true},
		{"watch", "appprojects.argoproj.io", "argocd", true},
		{"list", "appprojects.argoproj.io", "argo", false},
		{"update", "appprojects.argoproj.io/team-a", "argocd", false},
		{"list", "serviceaccounts", "argo", true},
		{"list", "serviceaccounts", "argocd", false},
		{"update", "serviceaccounts/argo-admin", "argo", false},
		{"create", "serviceaccounts/argo-admin/token", "argo", false},
		{"list", "secrets", "argo", false},
		// /metrics: the reviews of its callers' tokens, and no more.
		{"create", "tokenreviews.authentication.k8s.io", "", true},
		{"create", "subjectaccessreviews.authorization.k8s.io", "", true},
		{"get", "tokenreviews.authentication.k8s.io", "", false},
		// The audit controller's reports: its own by name, create in the
		// guarded namespaces only.
		{"update", "policyreports.wgpolicyk8s.io/argoguard-argocd-rbac-cm", "argocd", true},
		{"update", "policyreports.wgpolicyk8s.io/someone-elses", "argocd", false},
		{"update", "policyreports.wgpolicyk8s.io/argoguard-appprojects", "argocd", true},
		{"update", "policyreports.wgpolicyk8s.io/argoguard-serviceaccounts", "argo", true},
		{"update", "policyreports.wgpolicyk8s.io/argoguard-serviceaccounts", "argocd", false},
		{"create", "policyreports.wgpolicyk8s.io", "argo", true},
		{"create", "policyreports.wgpolicyk8s.io", "default", false},
	} {
		args := []string{"auth", "can-i", "--as=" + sa, tc.verb, tc.resource}
		if tc.ns != "" {
			args = append(args, "-n", tc.ns)
		}
		res := kubectl(t, args...)
		got := strings.TrimSpace(res.Stdout)
		want := map[bool]string{true: "yes", false: "no"}[tc.allowed]
		if got != want {
			t.Errorf("can %s %s %s in %q: kubectl says %q, want %q", sa, tc.verb, tc.resource, tc.ns, got, want)
		}
	}
}
