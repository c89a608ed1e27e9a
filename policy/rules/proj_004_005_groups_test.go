package rules

import "testing"

func groupsSpec(groups ...string) string {
	s := "roles:\n- name: dev\n  policies: ['p, proj:team-a:dev, applications, sync, team-a/*, allow']\n  groups:\n"
	for _, g := range groups {
		s += "  - '" + g + "'\n"
	}
	return s
}

func TestPROJ004GroupNames(t *testing.T) {
	runProjTable(t, "PROJ-004", []projCase{
		{name: "IDs", spec: groupsSpec(adminsID, devsID), settings: awsSettings},
		{name: "display name", spec: groupsSpec(adminsID, "argocd-developers"), settings: awsSettings,
			want: []string{"spec.roles[0].groups[1] deny"}, contains: devsID},
		{name: "unknown names are PROJ-005's", spec: groupsSpec("someone-else"), settings: awsSettings},
		{name: "placeholders are PROJ-006's", spec: groupsSpec("<your-aws-group-id>"), settings: awsSettings},
		{name: "provider sends names", spec: groupsSpec("argocd-developers"),
			settings: "identity:\n  provider: generic\n  groups:\n  - {id: argocd-developers}\n"},
		{name: "no group list: a name cannot be an ID", spec: groupsSpec("argocd-developers", devsID, "bob@example.com"),
			settings: "identity:\n  provider: aws-iam-identity-center\n", want: []string{"spec.roles[0].groups[0] warn"}},
		{name: "no settings", spec: groupsSpec("argocd-developers")},
		{name: "g line subject in the policies", spec: "roles:\n- name: dev\n  policies: ['g, argocd-developers, proj:team-a:dev', 'g, proj:team-a:dev, role:x']\n",
			settings: awsSettings, want: []string{"spec.roles[0].policies[0] deny"}, contains: devsID},
	})
}

func TestPROJ005UnknownGroups(t *testing.T) {
	runProjTable(t, "PROJ-005", []projCase{
		{name: "known IDs and names", spec: groupsSpec(adminsID, "argocd-developers"), settings: awsSettings},
		{name: "an ID nobody has", spec: groupsSpec("11111111-2222-3333-4444-555555555555"), settings: awsSettings,
			want: []string{"spec.roles[0].groups[0] deny"}, contains: "2 known groups"},
		{name: "an ID in upper case", spec: groupsSpec("A4C8F4D8-9041-7077-2B1E-8F0E6C3D2B15"), settings: awsSettings,
			want: []string{"spec.roles[0].groups[0] deny"}, contains: devsID},
		{name: "another name may be a user", spec: groupsSpec("alice"), settings: awsSettings,
			want: []string{"spec.roles[0].groups[0] warn"}},
		{name: "e-mail and placeholder skipped", spec: groupsSpec("bob@example.com", "<group-id>"), settings: awsSettings},
		{name: "no group list", spec: groupsSpec("11111111-2222-3333-4444-555555555555")},
		{name: "g line subject in the policies", spec: "roles:\n- name: dev\n  policies: ['g, 11111111-2222-3333-4444-555555555555, proj:team-a:dev']\n",
			settings: awsSettings, want: []string{"spec.roles[0].policies[0] deny"}},
	})
}
