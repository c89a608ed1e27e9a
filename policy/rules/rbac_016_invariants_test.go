package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

const invariantSettings = awsSettings + `
invariants:
- name: prod-sync
  resource: applications
  action: sync
  object: prod/web
  only: [argocd-admins]
- name: devs-read-logs
  resource: logs
  action: get
  object: team-a/web
  always: [argocd-developers]
- name: devs-never-delete-prod
  resource: applications
  action: delete
  object: prod/web
  never: [argocd-developers]
`

func TestRBAC016Invariants(t *testing.T) {
	base := "g, " + adminsID + ", role:admin\np, role:dev, logs, get, team-*/*, allow\np, role:dev, applications, sync, team-*/*, allow\ng, " + devsID + ", role:dev"
	runTable(t, "RBAC-016", []ruleCase{
		{name: "kept", data: csv(base), settings: invariantSettings},
		{name: "developers may sync prod", data: csv(base + "\np, role:dev, applications, sync, prod/*, allow"), settings: invariantSettings,
			lines: []int{5}, contains: `invariant "prod-sync": argocd-developers may sync applications prod/web`},
		{name: "granted through the role line", data: csv(base + "\ng, " + devsID + ", role:admin"), settings: invariantSettings, lines: []int{5, 5}},
		{name: "default role grants it to everyone", data: with(csv(base+"\np, role:base, applications, sync, */*, allow"), "policy.default", "role:base"), settings: invariantSettings,
			lines: []int{1}, contains: "every user may sync applications prod/web through policy.default"},
		{name: "deny keeps developers out", data: csv(base + "\np, role:dev, applications, sync, */*, allow\np, role:dev, applications, sync, prod/*, deny"), settings: invariantSettings},
		{name: "developers locked out of logs", data: csv("g, " + adminsID + ", role:admin\ng, " + devsID + ", role:dev\np, role:dev, applications, get, */*, allow"), settings: invariantSettings,
			lines: []int{0}, contains: "must be able to get logs team-a/web"},
		{name: "group without g line does not count", data: csv("g, " + adminsID + ", role:admin\np, " + devsID + ", logs, get, */*, allow"), settings: invariantSettings,
			lines: []int{0}},
		{name: "no invariants", data: csv("g, " + devsID + ", role:admin"), settings: awsSettings},
	})
}

func TestRBAC016LocalAdmin(t *testing.T) {
	s := rbacSnap(t, csv("g, "+adminsID+", role:admin\ng, "+devsID+", role:readonly"), invariantSettings)
	s.ArgoCDCM = &policy.Object{Data: map[string]string{"url": "https://argocd.example.com"}}
	fs := run(t, "RBAC-016", s)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "admin may sync") {
		t.Fatalf("local admin enabled: %+v", fs)
	}
	s.ArgoCDCM.Data["admin.enabled"] = "false"
	if fs := run(t, "RBAC-016", s); len(fs) != 0 {
		t.Fatalf("local admin disabled: %+v", fs)
	}
}
