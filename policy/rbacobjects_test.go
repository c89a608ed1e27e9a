package policy

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

func project(name string, spec map[string]any) *Object {
	o, err := AppProjectObject(map[string]any{"metadata": map[string]any{"name": name, "namespace": "argocd",
		"labels": map[string]any{"team": "a"}}, "spec": spec})
	if err != nil {
		panic(err)
	}
	return o
}

func roles(rs ...map[string]any) map[string]any {
	var list []any
	for _, r := range rs {
		list = append(list, r)
	}
	return map[string]any{"roles": list}
}

// An AppProject becomes plain data and reads back as argocd-server loads
// its roles: each policy entry split into lines with its field path, the
// refused ones with their reason.
func TestAppProjectObjectAndParse(t *testing.T) {
	o := project("team-a", roles(
		map[string]any{"name": "dev", "policies": []any{"p, proj:team-a:dev, applications, sync, team-a/*, allow", "# note\np, x"},
			"groups": []any{"g1"}, "jwtTokens": []any{map[string]any{"iat": 1.7e9, "id": "t"}}},
		map[string]any{"name": "ops"},
	))
	if o.Ref != (ObjectRef{Kind: KindAppProject, Namespace: "argocd", Name: "team-a"}) || o.Labels["team"] != "a" || o.Data[AppProjectSpecKey] == "" {
		t.Fatalf("object %+v", o)
	}
	c := ParseAppProject(o)
	if len(c.Errors) != 0 || len(c.Project.Roles) != 2 || c.Project.Roles[0].JWTTokens[0].IssuedAt != 1.7e9 {
		t.Fatalf("parse: %+v %v", c.Project, c.Errors)
	}
	var got []string
	for _, l := range c.Lines {
		s := l.Path + "#" + string(rune('0'+l.Part))
		if l.Err != "" {
			s += " refused"
		}
		got = append(got, s)
	}
	if want := "spec.roles[0].policies[0]#1,spec.roles[0].policies[1]#2 refused"; strings.Join(got, ",") != want {
		t.Errorf("lines %v, want %s", got, want)
	}
	if c.Loads() {
		t.Error("a project with a refused line loads")
	}
	// Wrong types name their field; an unreadable spec text is an error, not a panic.
	bad := ParseAppProject(&Object{Ref: ObjectRef{Kind: KindAppProject, Name: "p"}, Data: map[string]string{AppProjectSpecKey: `{"roles": [{"name": 3}]}`}})
	if len(bad.Errors) != 1 || bad.Errors[0].Field != "spec.roles[0].name" {
		t.Errorf("errors %v", bad.Errors)
	}
	if c := ParseAppProject(&Object{Ref: ObjectRef{Name: "p"}, Data: map[string]string{AppProjectSpecKey: "{"}}); len(c.Errors) != 1 {
		t.Errorf("unreadable spec: %v", c.Errors)
	}
	if c := ParseAppProject(&Object{Ref: ObjectRef{Name: "p"}}); len(c.Errors) != 0 || len(c.Project.Roles) != 0 {
		t.Errorf("no spec: %+v", c)
	}
}

func TestServiceAccountObject(t *testing.T) {
	o := ServiceAccountObject(map[string]any{
		"metadata": map[string]any{"name": "dev", "namespace": "argo", "annotations": map[string]any{
			wfrbac.AnnotationRule: "true", wfrbac.AnnotationPrecedence: "3"}},
		"secrets": []any{map[string]any{"name": "dev-token"}, map[string]any{"name": "other"}},
	})
	a := ParseServiceAccount(o).Account
	if a.Key() != "argo/dev" || !a.HasRule || a.Precedence() != 3 || a.TokenSecretName() != "dev-token" || len(a.SecretNames) != 2 {
		t.Errorf("account %+v", a)
	}
	bare := ParseServiceAccount(ServiceAccountObject(map[string]any{"metadata": map[string]any{"name": "x", "namespace": "argo"}})).Account
	if bare.HasRule || bare.TokenSecretName() != "x.service-account-token" {
		t.Errorf("bare account %+v", bare)
	}
}

func TestServerAccount(t *testing.T) {
	acct := func(ns, name string) *Object {
		return &Object{Ref: ObjectRef{Kind: KindServiceAccount, Namespace: ns, Name: name}}
	}
	s := &Snapshot{ServiceAccounts: []*Object{acct("argo", "argo-workflows-server"), acct("wf", "x")}}
	for ns, want := range map[string]string{"argo": "argo/argo-workflows-server", "wf": "wf/argo-server"} {
		if got := s.ServerAccount(ns); got != want {
			t.Errorf("ServerAccount(%s) = %s, want %s", ns, got, want)
		}
	}
	s.WorkflowsServerAccount = "argo/mine"
	if got := s.ServerAccount("argo"); got != "argo/mine" {
		t.Errorf("named server account: %s", got)
	}
}

// Every rule of one evaluation sees one parse of each project and one
// analysis of the accounts; a replaced object is parsed anew.
func TestRBACObjectsParsedOncePerSnapshot(t *testing.T) {
	p := project("team-a", roles(map[string]any{"name": "dev", "policies": []any{"p, proj:team-a:dev, applications, sync, team-a/*, allow"}, "groups": []any{"devs"}}))
	sa := ServiceAccountObject(map[string]any{"metadata": map[string]any{"name": "dev", "namespace": "argo",
		"annotations": map[string]any{wfrbac.AnnotationRule: "'devs' in groups"}}})
	s := &Snapshot{Settings: settings.Default(), Projects: []*Object{p}, ServiceAccounts: []*Object{sa}}
	if s.AppProjects()[0] != s.AppProjects()[0] || s.ProjectEnforcer() != s.ProjectEnforcer() {
		t.Error("project parsed twice in one snapshot")
	}
	probs := s.WorkflowAccountProblems()
	if len(s.WorkflowAccountProblems()) != len(probs) || &s.WorkflowAccounts()[0] == nil {
		t.Error("analysis differs between calls")
	}
	pe := s.ProjectEnforcer()
	if !pe.Enforce(rbac.Claims{Sub: "u", Groups: []string{"devs"}}, "applications", "sync", "team-a/app") {
		t.Error("project role does not grant its group")
	}
	if pe.Enforce(rbac.Claims{Sub: "u", Groups: []string{"devs"}}, "applications", "sync", "team-b/app") {
		t.Error("project role reaches another project")
	}
	s.Projects = []*Object{project("team-a", roles(map[string]any{"name": "dev", "groups": []any{"devs"}}))}
	if s.ProjectEnforcer() == pe || s.ProjectEnforcer().Enforce(rbac.Claims{Sub: "u", Groups: []string{"devs"}}, "applications", "sync", "team-a/app") {
		t.Error("a replaced project kept the old parse")
	}
	// The old version of a changed project.
	s.Old = p
	if old := s.OldAppProject(); old == nil || old != s.OldAppProject() || len(old.Lines) != 1 {
		t.Error("OldAppProject")
	}
	s.Old = &Object{Ref: ObjectRef{Kind: "ConfigMap"}}
	if s.OldAppProject() != nil {
		t.Error("a ConfigMap read as the old AppProject")
	}
}

// A finding on an AppProject or ServiceAccount shows its field path.
func TestLocationFieldPath(t *testing.T) {
	l := Location{Object: ObjectRef{Kind: KindAppProject, Namespace: "argocd", Name: "p"}, Path: "spec.roles[1].policies[0]"}
	if got := l.String(); got != "AppProject argocd/p spec.roles[1].policies[0]" {
		t.Errorf("String() = %q", got)
	}
	if got := (Finding{RuleID: "PROJ-001", Location: l, Message: "m"}).Short(); got != "PROJ-001: spec.roles[1].policies[0]: m" {
		t.Errorf("Short() = %q", got)
	}
}

// ParseAppProject never panics and every line it reads has a field path.
func FuzzParseAppProject(f *testing.F) {
	for _, s := range []string{
		`{"roles":[{"name":"dev","policies":["p, proj:a:dev, applications, get, a/*, allow"],"groups":["g"]}]}`,
		`{"roles":[{"name":"dev","policies":["p, x\n\"q", 3],"jwtTokens":[{"iat":1e30}]}]}`,
		"roles:\n- name: a\n  policies: [g, x]\n", `{"roles": "x"}`, "[", "",
		`{"roles":[{"name":"a,b","groups":["x\ny", "q\"", ""]}]}`,
	} {
		f.Add("a", s)
	}
	f.Fuzz(func(t *testing.T, name, spec string) {
		c := ParseAppProject(&Object{Ref: ObjectRef{Kind: KindAppProject, Name: name}, Data: map[string]string{AppProjectSpecKey: spec}})
		if c.Project == nil {
			t.Fatal("no project")
		}
		for _, l := range c.Lines {
			if !strings.HasPrefix(l.Path, "spec.roles[") || (l.Line == nil) == (l.Err == "") {
				t.Fatalf("line %+v", l)
			}
		}
		// Loads agrees with the project enforcer, which parses the text
		// ProjectPolicies writes as argocd-server does.
		pe := rbac.NewProjectEnforcer(BuiltinEnforcer(), []*rbac.AppProject{c.Project})
		if refused := len(pe.ProjectPolicyErrors(c.Project.Name)) > 0; refused == c.Loads() {
			t.Fatalf("Loads() = %v but the enforcer refuses %d lines of %q", c.Loads(), len(pe.ProjectPolicyErrors(c.Project.Name)), rbac.ProjectPolicies(c.Project))
		}
	})
}
