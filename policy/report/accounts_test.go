package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/k8srbac"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
)

// clusterRBAC binds the guide's developer account to a Role reading
// Workflows and every ServiceAccount of argo to a wildcard ClusterRole.
func clusterRBAC() *k8srbac.Objects {
	return &k8srbac.Objects{
		Roles: []k8srbac.Role{{Namespace: "argo", Name: "wf-edit",
			Rules: []k8srbac.PolicyRule{{APIGroups: []string{"argoproj.io"}, Resources: []string{"workflows"}, Verbs: []string{"get", "list", "watch", "create"}}}}},
		ClusterRoles: []k8srbac.Role{{Name: "secrets-all",
			Rules: []k8srbac.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"*"}}}}},
		RoleBindings: []k8srbac.Binding{{Namespace: "argo", Name: "developer",
			RoleRef:  k8srbac.RoleRef{Kind: "Role", Name: "wf-edit"},
			Subjects: []k8srbac.Subject{{Kind: "ServiceAccount", Namespace: "argo", Name: "argo-developer"}}}},
		ClusterRoleBindings: []k8srbac.Binding{{Name: "argo-sas",
			RoleRef:  k8srbac.RoleRef{Kind: "ClusterRole", Name: "secrets-all"},
			Subjects: []k8srbac.Subject{{Kind: "Group", Name: "system:serviceaccounts:argo"}}}},
	}
}

func TestWorkflowsAccountsInKubernetes(t *testing.T) {
	snap := guideSnapshot(t, "fixed")
	reg := rules.MustNewRegistry()
	findings, err := reg.Evaluate(snap)
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(report.Input{Snapshot: snap, Findings: findings, Rules: reg.Rules(), ClusterRBAC: clusterRBAC()})
	if r.WorkflowsAccounts == nil {
		t.Fatal("no workflowsAccounts with the cluster's RBAC given")
	}
	var accounts []string
	for _, a := range r.WorkflowsAccounts.Accounts {
		accounts = append(accounts, a.Account)
	}
	// The accounts the guide's groups land on (TestGroupAccessOnTheGuide), once each.
	if got, want := strings.Join(accounts, " "), "argo/argo-admin argo/argo-developer argo/argo-readonly"; got != want {
		t.Errorf("accounts %q, want %q", got, want)
	}
	var md, html bytes.Buffer
	if err := report.WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## Workflows accounts in Kubernetes",
		"argo: argoproj.io workflows \\[get list watch create\\] (via RoleBinding argo/developer: Role argo/wf-edit)",
		"cluster-wide: secrets \\[\\*\\] (WILDCARD) (via ClusterRoleBinding argo-sas: ClusterRole secrets-all)",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(html.String(), `<li><code>argo: argoproj.io workflows [get list watch create] (via RoleBinding argo/developer: Role argo/wf-edit)</code></li>`) {
		t.Errorf("HTML lacks the developer account's rule")
	}

	// Without a cluster: no section (file inputs' reports are unchanged).
	plain := report.Build(report.Input{Snapshot: snap, Findings: findings, Rules: reg.Rules()})
	md.Reset()
	if err := report.WriteMarkdown(&md, plain); err != nil {
		t.Fatal(err)
	}
	if plain.WorkflowsAccounts != nil || strings.Contains(md.String(), "in Kubernetes") {
		t.Error("a report without the cluster's RBAC shows Kubernetes permissions")
	}
}
