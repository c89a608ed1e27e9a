package k8srbac

import (
	"reflect"
	"strings"
	"testing"
)

var (
	wfRead = PolicyRule{APIGroups: []string{"argoproj.io"}, Resources: []string{"workflows"}, Verbs: []string{"get", "list", "watch"}}
	pods   = PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}
	star   = PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}
	secAll = PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"*"}}
)

func sa(ns, name string) Subject {
	return Subject{Kind: serviceAccount, Namespace: ns, Name: name}
}

func rb(ns, name, kind, role string, subjects ...Subject) Binding {
	return Binding{Namespace: ns, Name: name, RoleRef: RoleRef{Kind: kind, Name: role}, Subjects: subjects}
}

func crb(name, role string, subjects ...Subject) Binding {
	return Binding{Name: name, RoleRef: RoleRef{Kind: "ClusterRole", Name: role}, Subjects: subjects}
}

func TestFor(t *testing.T) {
	base := Objects{
		Roles: []Role{
			{Namespace: "argo", Name: "wf-reader", Rules: []PolicyRule{wfRead}},
			{Namespace: "other", Name: "wf-reader", Rules: []PolicyRule{pods}},
		},
		ClusterRoles: []Role{
			{Name: "cluster-admin", Rules: []PolicyRule{star}},
			{Name: "pod-reader", Rules: []PolicyRule{pods}},
			{Name: "secrets-all", Rules: []PolicyRule{secAll}},
			// Aggregated: the rules stored (the controller's union) count.
			{Name: "aggregated", Rules: []PolicyRule{wfRead}},
		},
	}
	with := func(rbs []Binding, crbs []Binding) Objects {
		o := base
		o.RoleBindings, o.ClusterRoleBindings = rbs, crbs
		return o
	}
	cases := []struct {
		name  string
		objs  Objects
		lines []string
		admin bool
		wild  bool
	}{
		{"nothing bound", with(nil, nil), []string{"no RBAC rule is bound to it"}, false, false},
		{"RoleBinding to a Role, by ServiceAccount", with([]Binding{rb("argo", "b", "Role", "wf-reader", sa("argo", "team-a"))}, nil),
			[]string{"argo: argoproj.io workflows [get list watch] (via RoleBinding argo/b: Role argo/wf-reader)"}, false, false},
		{"subject namespace defaults to the RoleBinding's", with([]Binding{rb("argo", "b", "Role", "wf-reader", sa("", "team-a"))}, nil),
			[]string{"argo: argoproj.io workflows [get list watch] (via RoleBinding argo/b: Role argo/wf-reader)"}, false, false},
		{"another account with the same name elsewhere is not bound", with([]Binding{rb("other", "b", "Role", "wf-reader", sa("other", "team-a"))}, nil),
			[]string{"no RBAC rule is bound to it"}, false, false},
		{"RoleBinding in another namespace to a ClusterRole", with([]Binding{rb("apps", "b", "ClusterRole", "pod-reader", sa("argo", "team-a"))}, nil),
			[]string{"apps: pods [get] (via RoleBinding apps/b: ClusterRole pod-reader)"}, false, false},
		{"user and group subjects", with([]Binding{
			rb("argo", "by-user", "Role", "wf-reader", Subject{Kind: user, Name: "system:serviceaccount:argo:team-a"}),
			rb("apps", "by-ns-group", "ClusterRole", "pod-reader", Subject{Kind: group, Name: "system:serviceaccounts:argo"}),
			rb("x", "other-ns-group", "ClusterRole", "pod-reader", Subject{Kind: group, Name: "system:serviceaccounts:other"}),
			rb("x", "other-user", "ClusterRole", "pod-reader", Subject{Kind: user, Name: "system:serviceaccount:argo:team-b"}),
		}, []Binding{crb("all-sas", "aggregated", Subject{Kind: group, Name: "system:serviceaccounts"})}),
			[]string{
				"cluster-wide: argoproj.io workflows [get list watch] (via ClusterRoleBinding all-sas: ClusterRole aggregated)",
				"apps: pods [get] (via RoleBinding apps/by-ns-group: ClusterRole pod-reader)",
				"argo: argoproj.io workflows [get list watch] (via RoleBinding argo/by-user: Role argo/wf-reader)",
			}, false, false},
		{"subjects of several bindings aggregate, a rule once per namespace", with([]Binding{
			rb("argo", "a", "Role", "wf-reader", sa("argo", "team-a")),
			rb("argo", "b", "ClusterRole", "aggregated", sa("argo", "someone"), sa("argo", "team-a")),
			rb("argo", "c", "ClusterRole", "pod-reader", sa("argo", "team-a")),
		}, nil), []string{
			"argo: argoproj.io workflows [get list watch] (via RoleBinding argo/a: Role argo/wf-reader)",
			"argo: pods [get] (via RoleBinding argo/c: ClusterRole pod-reader)",
		}, false, false},
		{"the API server's default bindings do not count through groups", with(nil, []Binding{
			func() Binding {
				b := crb("system:basic-user", "pod-reader", Subject{Kind: group, Name: "system:authenticated"})
				b.Labels = map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}
				return b
			}(),
			crb("everyone", "aggregated", Subject{Kind: group, Name: "system:authenticated"}),
		}), []string{"cluster-wide: argoproj.io workflows [get list watch] (via ClusterRoleBinding everyone: ClusterRole aggregated)"}, false, false},
		{"wildcard verbs", with([]Binding{rb("argo", "b", "ClusterRole", "secrets-all", sa("argo", "team-a"))}, nil),
			[]string{"argo: secrets [*] (WILDCARD) (via RoleBinding argo/b: ClusterRole secrets-all)"}, false, true},
		{"cluster-admin in one namespace is not cluster-admin", with([]Binding{rb("argo", "b", "ClusterRole", "cluster-admin", sa("argo", "team-a"))}, nil),
			[]string{"argo: * * [*] (WILDCARD) (via RoleBinding argo/b: ClusterRole cluster-admin)"}, false, true},
		{"cluster-admin", with(nil, []Binding{crb("admins", "cluster-admin", sa("argo", "team-a"))}),
			[]string{"CLUSTER-ADMIN: may do anything in the cluster", "cluster-wide: * * [*] (WILDCARD) (via ClusterRoleBinding admins: ClusterRole cluster-admin)"}, true, true},
		{"missing role refs grant nothing", with([]Binding{
			rb("argo", "r", "Role", "gone", sa("argo", "team-a")),
			rb("argo", "other-ns-role", "Role", "wf-reader", sa("argo", "team-a")),
			rb("apps", "c", "ClusterRole", "gone", sa("argo", "team-a")),
		}, []Binding{crb("cr", "gone", sa("argo", "team-a"))}), []string{
			"argo: argoproj.io workflows [get list watch] (via RoleBinding argo/other-ns-role: Role argo/wf-reader)",
			"note: ClusterRoleBinding cr refers to ClusterRole gone, which does not exist: it grants nothing",
			"note: RoleBinding apps/c refers to ClusterRole gone, which does not exist: it grants nothing",
			"note: RoleBinding argo/r refers to Role argo/gone, which does not exist: it grants nothing",
		}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := For("argo", "team-a", tc.objs)
			if got := p.Lines(); !reflect.DeepEqual(got, tc.lines) {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.lines, "\n"))
			}
			if p.ClusterAdmin != tc.admin || p.Wildcards != tc.wild {
				t.Errorf("clusterAdmin %v wildcards %v; want %v %v", p.ClusterAdmin, p.Wildcards, tc.admin, tc.wild)
			}
			if p.Account != "argo/team-a" {
				t.Errorf("account %q", p.Account)
			}
		})
	}
}

func TestRuleText(t *testing.T) {
	for _, tc := range []struct {
		rule PolicyRule
		want string
	}{
		{PolicyRule{APIGroups: []string{"argoproj.io"}, Resources: []string{"workflows", "workflows/status"}, Verbs: []string{"get", "create"}}, "argoproj.io workflows,workflows/status [get create]"},
		{PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tok"}, Verbs: []string{"get"}}, "secrets named tok [get]"},
		{PolicyRule{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}, "nonResourceURLs /metrics [get]"},
	} {
		if got := ruleText(tc.rule); got != tc.want {
			t.Errorf("ruleText = %q; want %q", got, tc.want)
		}
	}
}
