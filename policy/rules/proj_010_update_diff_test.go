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

// A delete revokes what the project's roles granted: one warning per user
// or group, on the field that granted it, and the Applications of the
// project stop syncing.
func TestPROJ010Delete(t *testing.T) {
	const twoRoles = "roles:\n- name: dev\n  policies: ['p, proj:team-a:dev, applications, sync, team-a/*, allow', 'p, proj:team-a:dev, applications, get, team-a/*, allow']\n" +
		"  groups: ['" + devsID + "']\n- name: ops\n  policies: ['p, proj:team-a:ops, applications, delete, team-a/*, allow']\n  groups: ['" + adminsID + "']\n"
	for _, tc := range []struct {
		name     string
		old      *policy.Object
		rbac     map[string]string
		want     []string // messages, sorted by subject
		contains string
		detail   string // the first finding's detail starts with it
		paths    []string
	}{
		{name: "each group loses its role", old: appProject(t, "team-a", twoRoles),
			want: []string{
				"argocd-admins loses role proj:team-a:ops (2 permissions)",
				"argocd-developers loses role proj:team-a:dev (3 permissions)",
			}, contains: "controller/appcontroller.go", detail: "deleting team-a revokes, for argocd-admins (" + adminsID + "): ", paths: []string{"spec.roles[1].groups[0]", "spec.roles[0].groups[0]"}},
		{name: "what the global policy grants anyway is not lost", old: appProject(t, "team-a", groupsSpec(devsID)),
			rbac: csv("g, " + devsID + ", role:admin\n"), want: []string{"deleting team-a: the project's Applications, if any, stop syncing"}},
		{name: "a project without roles revokes nothing", old: appProject(t, "team-a", "description: x\n"),
			want: []string{"deleting team-a: the project's Applications, if any, stop syncing"}, contains: "InvalidSpecError"},
		{name: "a delete without the old object says nothing", old: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := policy.ObjectRef{Kind: policy.KindAppProject, Namespace: "argocd", Name: "team-a"}
			s := &policy.Snapshot{Settings: settingsFrom(t, awsSettings), Changed: &ref, Operation: "DELETE", Old: tc.old}
			if tc.rbac != nil {
				s.RBACCM = &policy.Object{Ref: rbacRef, Data: tc.rbac}
			}
			fs := checkFindings(t, "PROJ-010", s)
			var got, paths []string
			for _, f := range fs {
				if f.Action != policy.ActionWarn {
					t.Errorf("not a warning: %+v", f)
				}
				got = append(got, f.Message)
				paths = append(paths, f.Location.Path)
			}
			if tc.paths != nil && strings.Join(paths, " ") != strings.Join(tc.paths, " ") {
				t.Errorf("findings at %v, want %v", paths, tc.paths)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.detail != "" && !strings.HasPrefix(fs[0].Detail, tc.detail) {
				t.Errorf("detail %q does not start with %q", fs[0].Detail, tc.detail)
			}
			if tc.contains != "" && !strings.Contains(fs[0].Detail, tc.contains) {
				t.Errorf("detail %q does not mention %q", fs[0].Detail, tc.contains)
			}
		})
	}
}
