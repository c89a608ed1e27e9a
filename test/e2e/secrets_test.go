package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

// With Secret reading enabled (settings secrets.read, and get-by-name RBAC
// from the read-secrets component), the cluster-only rules run: the guide's
// Workflows ConfigMap names a Secret that lives in argocd, not argo
// (WF-005); once a reader copies it into argo, as the guide advises, WF-005
// goes and WF-010 comes (its client-id is the IdP's SAML URL, no Dex
// client). Secret values never appear in kubectl's output or the log.
func TestReferencedSecretsAreCheckedWhenEnabled(t *testing.T) {
	c := fresh(t)
	// The component's Roles and RoleBindings, as the kustomization renders
	// them (the rest of it is installed already).
	rendered := kubectl(t, "kustomize", repoRoot+"/test/e2e/testdata/read-secrets")
	if rendered.Err != nil {
		t.Fatalf("%s", rendered)
	}
	var docs []string
	for _, doc := range cluster.SplitYAML([]byte(rendered.Stdout)) {
		if strings.Contains(doc, "\n  name: argoguard-referenced-secrets\n") {
			docs = append(docs, doc)
		}
	}
	if len(docs) != 4 {
		t.Fatalf("read-secrets renders %d Roles and RoleBindings, want 4", len(docs))
	}
	rbac := filepath.Join(t.TempDir(), "rbac.yaml")
	if err := os.WriteFile(rbac, []byte(strings.Join(docs, "\n---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := kubectl(t, "apply", "-f", rbac); res.Err != nil {
		t.Fatalf("applying the read-secrets RBAC: %s", res)
	}
	t.Cleanup(func() {
		for _, ns := range []string{"argocd", "argo"} {
			kubectl(t, "delete", "role,rolebinding", "argoguard-referenced-secrets", "-n", ns, "--ignore-not-found")
		}
	})
	useSettings(t, c, secretsSettings)
	expected, _ := expectedFindings(t)

	const wf = "workflow-controller-configmap"
	res := kubectl(t, "apply", "-f", guide("as-written"))
	shown := errorFor(res, wf)
	if shown == "" || getConfigMap(t, "argo", wf) != nil {
		t.Fatalf("%s was not denied", wf)
	}
	want := visible(t, expected[wf], false, true)
	requireContainsIDs(t, "with Secrets read", ruleIDs(res.Output()), want...)
	requireContainsIDs(t, wf+" denial", ruleIDs(shown), "WF-005")

	// The guide's advice: the same Secret, copied into argo.
	var secret corev1.Secret
	data, err := os.ReadFile(guide("as-written", "argocd-sso-secret.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &secret); err != nil {
		t.Fatal(err)
	}
	args := []string{"create", "secret", "generic", secret.Name, "-n", "argo"}
	for k, v := range secret.StringData {
		args = append(args, "--from-literal="+k+"="+v)
	}
	if r := kubectl(t, args...); r.Err != nil {
		t.Fatalf("copying the Secret into argo: %s", r)
	}
	t.Cleanup(func() { kubectl(t, "delete", "secret", secret.Name, "-n", "argo", "--ignore-not-found") })

	again := kubectl(t, "apply", "-f", guide("as-written", wf+".yaml"))
	shown = errorFor(again, wf)
	if shown == "" {
		t.Fatalf("%s with the Secret copied was not denied: %s", wf, again)
	}
	ids := ruleIDs(shown)
	requireContainsIDs(t, "Secret copied into argo", ids, "WF-010")
	for _, id := range ids {
		if id == "WF-005" {
			t.Errorf("WF-005 still reported with the Secret in argo")
		}
	}

	// The client secret never leaks.
	value := secret.StringData["client-secret"]
	if value == "" {
		t.Fatal("the guide's Secret has no client-secret")
	}
	for _, out := range []string{res.Output(), again.Output(), c.LogTail(100000)} {
		if strings.Contains(out, value) {
			t.Errorf("the client secret value appears in kubectl's output or the webhook log")
		}
	}
}
