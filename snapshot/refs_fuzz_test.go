package snapshot

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// FuzzReferencedSecrets: any argocd-cm value and Workflows sso text gives
// a list of valid-looking Secret references in the two guarded
// namespaces, without panicking.
func FuzzReferencedSecrets(f *testing.F) {
	f.Add("clientSecret: $oidc-secret:client-secret\n", "clientId:\n  name: argo-sso\n  key: client-id\n")
	f.Add("$oidc.clientSecret", "clientSecret: {name: x}")
	f.Add("a: $:b $a-:b $-a:b", ": [")
	set := settings.Default()
	f.Fuzz(func(t *testing.T, value, sso string) {
		snap := &policy.Snapshot{Settings: set,
			ArgoCDCM:    &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}, Data: map[string]string{"dex.config": value}},
			WorkflowsCM: &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: "workflow-controller-configmap"}, Data: map[string]string{"sso": sso}},
		}
		for _, r := range ReferencedSecrets(snap) {
			if r.Kind != "Secret" || r.Name == "" || (r.Namespace != "argocd" && r.Namespace != "argo") {
				t.Fatalf("bad reference %+v", r)
			}
		}
	})
}
