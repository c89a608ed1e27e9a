package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestPROJ010UpdateDiff(t *testing.T) {
	const devLine = "p, proj:team-a:dev, applications, sync, team-a/*, allow"
	for _, tc := range []struct {
		name          string
		old, new      string
		op            string
		want          []string // "path action" sorted
		gainsContains string
	}{
		{name: "no change", old: groupsSpec(devsID), new: groupsSpec(devsID), op: "UPDATE"},
		{name: "reordered roles are no change", old: groupsSpec(devsID) + "- name: ops\n", new: "roles:\n- name: ops\n" + strings.TrimPrefix(groupsSpec(devsID), "roles:\n"), op: "UPDATE"},
		{name: "new group gains the role", old: groupsSpec(devsID), new: groupsSpec(devsID, adminsID), op: "UPDATE",
			want: []string{"spec.roles[0].groups[1] warn"}, gainsContains: "argocd-admins"},
		{name: "removed group is an audit finding", old: groupsSpec(devsID, adminsID), new: groupsSpec(devsID), op: "UPDATE",
			want: []string{"spec.roles audit"}},
		{name: "new permission for the members", old: groupsSpec(devsID),
			new: "roles:\n- name: dev\n  policies: ['" + devLine + "', 'p, proj:team-a:dev, applications, delete, team-a/*, allow']\n  groups: ['" + devsID + "']\n", op: "UPDATE",
			want: []string{"spec.roles[0].policies[1] warn"}, gainsContains: "delete"},
		{name: "a create is no diff", old: groupsSpec(devsID), new: groupsSpec(devsID, adminsID), op: "CREATE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur := appProject(t, "team-a", tc.new)
			s := &policy.Snapshot{
				Settings: settingsFrom(t, awsSettings), Projects: []*policy.Object{cur},
				Changed: &cur.Ref, Operation: tc.op, Old: appProject(t, "team-a", tc.old),
			}
			fs := checkFindings(t, "PROJ-010", s)
			assertFindings(t, "PROJ-010", fs, pathActions(fs), tc.want, tc.gainsContains)
		})
	}
}
