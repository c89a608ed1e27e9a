package settings

import (
	"strings"
	"testing"
)

func TestSendsGroupIDsOverride(t *testing.T) {
	s, err := Parse([]byte("identity:\n  provider: aws-iam-identity-center\n  sendsGroupIDs: false\n  groups: [{id: g1, name: devs}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.SendsGroupIDs() {
		t.Error("sendsGroupIDs: false must win over the provider default")
	}
	if got := s.ResolveSubject("devs"); got != "devs" {
		t.Errorf("without group IDs a name stays a name, got %q", got)
	}
	if Default().SendsGroupIDs() {
		t.Error("no provider: names are sent")
	}
}

func TestBadSettingsNameTheField(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"mode", "mode: enforcing\n", "mode"},
		{"unknown field", "mdoe: audit\n", "mdoe"},
		{"rule action", "rules: {RBAC-010: block}\n", "rules[RBAC-010]"},
		{"empty group id", "identity: {groups: [{name: devs}]}\n", "identity.groups[0]"},
		{"duplicate group", "identity: {groups: [{id: a}, {id: a}]}\n", "identity.groups[1]"},
		{"invariant fields", "invariants: [{name: prod, action: sync, only: [x]}]\n", "invariants[0].resource"},
		{"invariant subjects", "invariants: [{name: prod, resource: applications, action: sync, object: 'prod/*'}]\n", "only, never, always"},
		{"not yaml", "mode: [\n", "settings:"},
		{"provider typo", "identity: {provider: aws-iam-identity-centre}\n", "identity.provider"},
		{"namespace", "argocd: {namespace: ArgoCD}\n", "argocd.namespace"},
		{"configmap name", "workflows: {configMap: 'wf cm'}\n", "workflows.configMap"},
		{"same configmap twice", "argocd: {configMap: argocd-cm, rbacConfigMap: argocd-cm}\n", "argocd.rbacConfigMap"},
		{"url", "argocd: {url: argocd.example.com}\n", "argocd.url"},
		{"empty admin group", "adminGroups: ['']\n", "adminGroups[0]"},
		{"break-glass service account", "breakGlass: {serviceAccounts: ['system:serviceaccount:ops:fixer']}\n", "breakGlass.serviceAccounts[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatalf("accepted %q", c.yaml)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %q", err, c.want)
			}
		})
	}
}
