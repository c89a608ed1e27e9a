package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestRBAC003UnknownGroup(t *testing.T) {
	runTable(t, "RBAC-003", []ruleCase{
		{name: "known id", data: csv("g, " + adminsID + ", role:admin"), settings: awsSettings},
		{name: "unknown id", data: csv("g, 00000000-1111-2222-3333-444444444444, role:admin"), settings: awsSettings, lines: []int{1}, contains: "not one of the identity provider's 2 known groups"},
		{name: "known id in upper case", data: csv("g, 94E8E4A8-3011-70A4-3F1C-5E6D2B7C9A01, role:admin"), settings: awsSettings, lines: []int{1}, contains: "wrong case: the provider sends " + adminsID},
		{name: "display name is RBAC-004's", data: csv("g, argocd-admins, role:admin"), settings: awsSettings},
		{name: "roles, users and admin are not groups", data: csv("g, role:a, role:admin\ng, alice@example.com, role:admin\ng, admin, role:admin"), settings: awsSettings},
		{name: "no group list: silent", data: csv("g, whoever, role:admin")},
		{name: "placeholder is RBAC-015's", data: csv("g, <your-aws-group-id>, role:admin\ng, YOUR_GROUP_ID, role:admin"), settings: awsSettings},
		{name: "a plain name may be a local account: silent without argocd-cm", data: csv("g, ci-bot, role:admin"), settings: awsSettings},
	})
	// With argocd-cm, local accounts are known and other names are judged.
	s := rbacSnap(t, csv("g, ci-bot, role:admin\ng, platform, role:admin"), awsSettings)
	s.ArgoCDCM = &policy.Object{Data: map[string]string{"accounts.ci-bot": "apiKey"}}
	if got := lines(run(t, "RBAC-003", s)); !sameInts(got, []int{2}) {
		t.Fatalf("with argocd-cm: lines %v, want [2]", got)
	}
}

func TestRBAC004GroupNames(t *testing.T) {
	runTable(t, "RBAC-004", []ruleCase{
		{name: "id", data: csv("g, " + adminsID + ", role:admin"), settings: awsSettings},
		{name: "display name names the id", data: csv("p, role:x, applications, get, */*, allow\ng, argocd-developers, role:x"), settings: awsSettings, lines: []int{2}, contains: devsID},
		{name: "quoted display name", data: csv(`g, "argocd-admins", role:admin`), settings: awsSettings, lines: []int{1}, contains: "g, " + adminsID + ", role:admin"},
		{name: "provider sends names", data: csv("g, argocd-admins, role:admin"), settings: "identity:\n  sendsGroupIDs: false\n  groups: [{id: x1, name: argocd-admins}]\n"},
		{name: "no list: not an id shape", data: csv("g, platform-team, role:admin"), settings: "identity: {provider: aws-iam-identity-center}\n", lines: []int{1}, contains: "cannot be an IAM Identity Center group ID"},
		{name: "no list: upper case id", data: csv("g, 94E8E4A8-3011-70A4-3F1C-5E6D2B7C9A01, role:admin"), settings: "identity: {provider: aws-iam-identity-center}\n", lines: []int{1}, contains: "upper case"},
		{name: "no list: id shape ok", data: csv("g, " + adminsID + ", role:admin"), settings: "identity: {provider: aws-iam-identity-center}\n"},
		{name: "generic provider: silent", data: csv("g, platform-team, role:admin")},
		{name: "placeholder is RBAC-015's", data: csv("g, your-aws-group-id, role:admin\ng, <group-id>, role:admin"), settings: "identity: {provider: aws-iam-identity-center}\n"},
	})
	// Without a group list the finding is a warning, not a denial.
	fs := run(t, "RBAC-004", rbacSnap(t, csv("g, platform-team, role:admin"), "identity: {provider: aws-iam-identity-center}\n"))
	if len(fs) != 1 || fs[0].Action != policy.ActionWarn {
		t.Fatalf("want one warn finding, got %+v", fs)
	}
	fs = run(t, "RBAC-004", rbacSnap(t, csv("g, argocd-admins, role:admin"), awsSettings))
	if len(fs) != 1 || fs[0].Action != policy.ActionDeny {
		t.Fatalf("want one deny finding, got %+v", fs)
	}
}

func TestRBAC019UnboundGroup(t *testing.T) {
	runTable(t, "RBAC-019", []ruleCase{
		{name: "group with g line", data: csv("p, " + devsID + ", applications, get, */*, allow\ng, " + devsID + ", role:readonly"), settings: awsSettings},
		{name: "group only in p lines", data: csv("p, " + devsID + ", applications, get, */*, allow\np, " + devsID + ", logs, get, */*, allow"), settings: awsSettings, lines: []int{1}, contains: "no g line"},
		{name: "id-shaped subject with aws provider", data: csv("p, c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28, applications, get, */*, allow"), settings: "identity: {provider: aws-iam-identity-center}\n", lines: []int{1}},
		{name: "user subject", data: csv("p, alice@example.com, applications, get, */*, allow"), settings: awsSettings},
		{name: "role subject", data: csv("p, role:x, applications, get, */*, allow"), settings: awsSettings},
		// Without settings: an org:team subject is a group (Dex's GitHub connector names teams so).
		{name: "org:team without g line, no settings", data: csv("p, my-org:team-alpha, applications, sync, */*, allow"), lines: []int{1}, contains: `group "my-org:team-alpha" has p lines but no g line`},
		{name: "org:team with g line, no settings", data: csv("p, my-org:team-alpha, applications, sync, */*, allow\ng, my-org:team-alpha, role:readonly")},
		{name: "org:team bound to a role is fine", data: csv("p, role:deployer, applications, sync, */*, allow\ng, my-org:team-alpha, role:deployer")},
		{name: "team name with a space", data: csv("p, my-org:Team Alpha, applications, get, */*, allow"), lines: []int{1}},
		{name: "proj role and e-mail are no groups", data: csv("p, proj:team-a:ci, applications, get, team-a/*, allow\np, alice@example.com, applications, get, */*, allow")},
		{name: "plain user id, no settings", data: csv("p, alice, applications, get, */*, allow")},
	})
}

// A softened finding (warn) still follows the settings' per-rule override.
func TestRBAC004SettingsOverrideWins(t *testing.T) {
	s := rbacSnap(t, csv("g, platform-team, role:admin"), "identity: {provider: aws-iam-identity-center}\nrules: {RBAC-004: deny}\n")
	fs, err := evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.RuleID == "RBAC-004" {
			if f.Action != policy.ActionDeny {
				t.Fatalf("override to deny ignored: %+v", f)
			}
			return
		}
	}
	t.Fatal("no RBAC-004 finding")
}
