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
			got := pathActions(fs)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				for _, f := range fs {
					t.Log(f.Short())
				}
				t.Fatalf("found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.gainsContains != "" && !strings.Contains(fs[0].Message+fs[0].Detail, tc.gainsContains) {
				t.Errorf("%q does not mention %q", fs[0].Short(), tc.gainsContains)
			}
		})
	}
}
