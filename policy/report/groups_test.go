package report_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

const (
	adminsID     = "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01"
	developersID = "a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15"
	auditorsID   = "c478a4f8-f0a1-70e5-1d2c-3b4a5e6f7a28"
)

// The table a security review reads, on the guide: per group, Argo CD's
// roles, the AppProject roles and the Workflows account.
func TestGroupAccessOnTheGuide(t *testing.T) {
	cases := []struct {
		variant, group string
		roles          []string
		projectRoles   []string
		projectPerm    string // one permission the project grants, "" for none
		workflows      string
	}{
		{"fixed", adminsID, []string{"role:admin", "role:readonly"}, nil, "", "argo/argo-admin"},
		{"fixed", developersID, []string{"role:developer"}, []string{"proj:team-a:developer"}, "allow sync applications team-a/*", "argo/argo-developer"},
		{"fixed", auditorsID, nil, []string{"proj:team-a:auditor"}, "allow get applications team-a/*", "argo/argo-readonly"},
		{"fixed", report.NoGroups, nil, nil, "", "argo/argo-readonly"},
		// As written, everything binds display names: the IDs the provider
		// sends get nothing, and a login without groups is refused.
		{"as-written", adminsID, nil, nil, "", "argo/argo-readonly"},
		{"as-written", developersID, nil, nil, "", "argo/argo-readonly"},
		{"as-written", report.NoGroups, nil, nil, "", "refused (rule of argo/argo-admin fails"},
	}
	reports := map[string]*report.Report{}
	for _, tc := range cases {
		t.Run(tc.variant+" "+tc.group, func(t *testing.T) {
			r := reports[tc.variant]
			if r == nil {
				r = guideReport(t, tc.variant, nil, time.Time{})
				reports[tc.variant] = r
			}
			i := slices.IndexFunc(r.Groups, func(g report.GroupAccess) bool { return g.Group == tc.group })
			if i < 0 {
				t.Fatalf("no row for %q in %v", tc.group, r.Groups)
			}
			g := r.Groups[i]
			if !slices.Equal(g.Roles, tc.roles) && !(len(g.Roles) == 0 && len(tc.roles) == 0) {
				t.Errorf("roles %v, want %v", g.Roles, tc.roles)
			}
			var projectRoles []string
			var perms []string
			for _, p := range g.Projects {
				projectRoles = append(projectRoles, p.Roles...)
				perms = append(perms, p.Permissions...)
			}
			if !slices.Equal(projectRoles, tc.projectRoles) {
				t.Errorf("project roles %v, want %v", projectRoles, tc.projectRoles)
			}
			if tc.projectPerm != "" && !slices.Contains(perms, tc.projectPerm) {
				t.Errorf("project permissions %v lack %q", perms, tc.projectPerm)
			}
			if got := g.Workflows.Text(); !strings.HasPrefix(got, tc.workflows) {
				t.Errorf("workflows %q, want %q", got, tc.workflows)
			}
			if g.Workflows.Namespace != "argo" {
				t.Errorf("workflows namespace %q", g.Workflows.Namespace)
			}
		})
	}
}

// Accounts of equal precedence that both select a group: the outcome
// depends on argo-server's order, and the table says so.
func TestGroupAccessDependsOnOrder(t *testing.T) {
	set := settings.Default()
	set.Identity.Groups = []settings.Group{{ID: "g1"}}
	account := func(name, rule string) *policy.Object {
		return policy.ServiceAccountObject(map[string]any{"metadata": map[string]any{
			"name": name, "namespace": "argo",
			"annotations": map[string]any{wfrbac.AnnotationRule: rule, wfrbac.AnnotationPrecedence: "1"},
		}})
	}
	snap := &policy.Snapshot{Settings: set, ServiceAccounts: []*policy.Object{
		account("a", "'g1' in groups"), account("b", "true"),
	}}
	groups := report.BuildGroups(snap)
	if len(groups) != 2 {
		t.Fatalf("rows %v, want the group and the login without groups", groups)
	}
	w := groups[0].Workflows
	if !w.DependsOnOrder || len(w.Outcomes) != 2 || !strings.Contains(w.Text(), "argo/a or argo/b (depends on the order") {
		t.Errorf("got %+v: %s", w, w.Text())
	}
	// Without groups, a's rule fails ("groups" is absent) or b is chosen.
	if w := groups[1].Workflows; !w.DependsOnOrder || !strings.Contains(w.Text(), "refused (rule of argo/a fails") {
		t.Errorf("no groups: %s", w.Text())
	}
	if report.BuildGroups(&policy.Snapshot{Settings: settings.Default()}) != nil {
		t.Error("a table without any group of the settings")
	}
}

// With SSO namespace delegation, a group whose requests about a team
// namespace act as that namespace's account shows it beside its login
// account; a group the team's rule does not admit shows only the login.
func TestGroupAccessWithDelegation(t *testing.T) {
	set := settings.Default()
	set.Workflows.NamespaceDelegation = true
	set.Identity.Groups = []settings.Group{{ID: "devs"}, {ID: "ops"}}
	account := func(ns, name, rule, precedence string) *policy.Object {
		return policy.ServiceAccountObject(map[string]any{"metadata": map[string]any{
			"name": name, "namespace": ns,
			"annotations": map[string]any{wfrbac.AnnotationRule: rule, wfrbac.AnnotationPrecedence: precedence},
		}})
	}
	snap := &policy.Snapshot{Settings: set, ServiceAccounts: []*policy.Object{
		account("argo", "readers", "true", "0"),
		account("team-a", "team-devs", "'devs' in get($env, 'groups')", "10"),
	}}
	for _, g := range report.BuildGroups(snap) {
		want := "argo/readers"
		if g.Group == "devs" {
			want = "argo/readers; requests about team-a: team-a/team-devs"
		}
		if got := g.Workflows.Text(); got != want {
			t.Errorf("group %q: %q, want %q", g.Group, got, want)
		}
	}
	// who-can lists the team's account for requests about team-a, with the
	// group it serves there.
	w := report.BuildWorkflowsWhoCan(snap, nil)
	i := slices.IndexFunc(w.Accounts, func(a report.AccountHolders) bool { return a.Account == "team-a/team-devs" })
	if i < 0 || w.Accounts[i].RequestsAbout != "team-a" || len(w.Accounts[i].Groups) != 1 || w.Accounts[i].Groups[0].Group != "devs" {
		t.Errorf("who-can: %+v", w.Accounts)
	}
	// Delegation off: the team's account is no candidate.
	set.Workflows.NamespaceDelegation = false
	for _, g := range report.BuildGroups(snap) {
		if got := g.Workflows.Text(); got != "argo/readers" {
			t.Errorf("delegation off, group %q: %q", g.Group, got)
		}
	}
}

// The AppProjects and ServiceAccounts of a namespace share one report per
// kind, without a scope; each result names its object.
func TestPolicyReportsForRBACObjects(t *testing.T) {
	r := guideReport(t, "as-written", nil, time.Time{})
	byName := map[string]report.PolicyReport{}
	for _, pr := range report.PolicyReports(r, report.FormatPolicyReport) {
		byName[pr.Metadata.Name] = pr
	}
	if cm := byName["argoguard-argocd-rbac-cm"]; cm.Scope.Kind != "ConfigMap" || cm.Scope.Name != "argocd-rbac-cm" ||
		cm.Summary.Fail != 4 || cm.Summary.Warn != 1 {
		t.Errorf("argoguard-argocd-rbac-cm: scope %+v, summary %+v", cm.Scope, cm.Summary)
	}
	cases := []struct {
		report, namespace, resource string
		fail, warn                  int
	}{
		{"argoguard-appprojects", "argocd", "AppProject argocd/team-a", 2, 0},
		{"argoguard-serviceaccounts", "argo", "ServiceAccount argo/argo-admin", 0, 3},
		{"argoguard-serviceaccounts", "argo", "ServiceAccount argo/argo-readonly", 0, 1},
	}
	for _, tc := range cases {
		pr, ok := byName[tc.report]
		if !ok {
			t.Errorf("no report %s among %d", tc.report, len(byName))
			continue
		}
		if pr.Scope != (report.ScopeRef{}) || pr.Metadata.Namespace != tc.namespace {
			t.Errorf("%s: scope %+v in %s; want none in %s", tc.report, pr.Scope, pr.Metadata.Namespace, tc.namespace)
		}
		var fail, warn int
		for _, res := range pr.Results {
			if res.Properties[report.PropResource] != tc.resource {
				continue
			}
			if len(res.Resources) != 1 || res.Resources[0].Kind+" "+res.Resources[0].Namespace+"/"+res.Resources[0].Name != tc.resource {
				t.Errorf("%s: result %s names %q but its resources are %+v", tc.report, res.Rule, tc.resource, res.Resources)
			}
			switch res.Result {
			case report.ResultFail:
				fail++
			case report.ResultWarn:
				warn++
			}
		}
		if fail != tc.fail || warn != tc.warn {
			t.Errorf("%s: %s has %d fail, %d warn; want %d, %d", tc.report, tc.resource, fail, warn, tc.fail, tc.warn)
		}
	}
}

// The matrix's project section answers as argocd-server does for requests
// about the project: every cell is the project enforcer's answer, and the
// project's lines cite the AppProject file line.
func TestMatrixProjectSection(t *testing.T) {
	snap := guideSnapshot(t, "fixed")
	r := guideReport(t, "fixed", nil, time.Time{})
	e := snap.ProjectEnforcer().ForProject("team-a")
	var sec *report.MatrixSection
	for i := range r.Matrix.Sections {
		if strings.HasPrefix(r.Matrix.Sections[i].Title, "Applications in project team-a") {
			sec = &r.Matrix.Sections[i]
		}
	}
	if sec == nil {
		t.Fatal("no section for project team-a")
	}
	col := map[string]int{}
	for i, s := range r.Matrix.Subjects {
		col[s.Name] = i
		for _, row := range sec.Rows {
			if got, want := row.Cells[i].Allowed, e.Enforce(s.Name, row.Resource, row.Action, row.Object); got != want {
				t.Errorf("%s %s %s %s: matrix %v, enforcer %v", s.Name, row.Action, row.Resource, row.Object, got, want)
			}
		}
	}
	for _, row := range sec.Rows {
		if row.Resource != "applications" || row.Action != "sync" {
			continue
		}
		if c := row.Cells[col[auditorsID]]; c.Allowed {
			t.Error("the auditors may sync team-a")
		}
		c := row.Cells[col["proj:team-a:developer"]]
		if !c.Allowed || c.Line == nil || c.Line.FileLine != 19 || !strings.HasSuffix(c.Line.File, "appproject-team-a.yaml") {
			t.Errorf("developer role's sync cell %+v, want the AppProject's line 19", c.Line)
		}
	}
}
