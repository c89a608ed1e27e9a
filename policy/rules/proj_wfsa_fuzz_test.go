package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
	"github.com/argoguard/argoguard/settings"
)

// No AppProject spec or rbac-rule makes a rule panic, and every finding
// names a field of its object.
func FuzzPROJAndWFSARules(f *testing.F) {
	f.Add(`{"roles":[{"name":"dev","policies":["p, proj:team-a:dev, applications, get, team-a/*, allow","g, x, role:admin"],"groups":["argocd-admins"]}]}`, "'argocd-admins' in groups", "3")
	f.Add(`{"roles":[{"name":"","policies":["p, , *, *, *, allow\n#"],"jwtTokens":[{"iat":1}]}]}`, "", "x")
	f.Add("roles: [{name: a, policies: ['p, proj:team-a:a, projects, get, [, allow']}]", "true", "-1")
	set, err := settings.Parse([]byte(awsSettings))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, spec, rule, prec string) {
		if len(spec)+len(rule) > 4096 {
			return
		}
		p := &policy.Object{Ref: policy.ObjectRef{Kind: policy.KindAppProject, Namespace: "argocd", Name: "team-a"},
			Data: map[string]string{policy.AppProjectSpecKey: spec}}
		acct := &policy.Object{Ref: policy.ObjectRef{Kind: policy.KindServiceAccount, Namespace: "argo", Name: "dev"},
			Annotations: map[string]string{wfrbac.AnnotationRule: rule, wfrbac.AnnotationPrecedence: prec}}
		other := sa("all", "true", "0")
		old := &policy.Object{Ref: p.Ref, Data: map[string]string{policy.AppProjectSpecKey: `{"roles":[{"name":"dev"}]}`}}
		s := &policy.Snapshot{Settings: set, Projects: []*policy.Object{p}, ServiceAccounts: []*policy.Object{acct, other},
			Changed: &p.Ref, Operation: "UPDATE", Old: old, SecretsKnown: true}
		fs, err := registry.Evaluate(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Location.Path == "" || f.Message == "" {
				t.Fatalf("finding without a field: %+v", f)
			}
		}
	})
}
