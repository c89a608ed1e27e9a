package rules

import "testing"

func TestPROJ006Placeholder(t *testing.T) {
	runProjTable(t, "PROJ-006", []projCase{
		{name: "none", spec: groupsSpec(devsID)},
		{name: "group placeholder", spec: groupsSpec(devsID, "<your-aws-group-id>"),
			want: []string{"spec.roles[0].groups[1] deny"}, contains: "<your-aws-group-id>"},
		{name: "policy placeholder", spec: "roles:\n- name: dev\n  policies: ['p, proj:team-a:dev, applications, sync, team-a/YOUR_APP, allow']\n",
			want: []string{"spec.roles[0].policies[0] deny"}},
	})
}
