package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac/rbactest"
	"github.com/argoguard/argoguard/settings"
)

// BenchmarkRBACCheck: parse plus every RBAC rule, on generated policies of
// 100, 1,000 and 10,000 lines (a fresh object each time, so nothing is
// cached between iterations).
func BenchmarkRBACCheck(b *testing.B) {
	set, err := settings.Parse([]byte(`
identity:
  provider: aws-iam-identity-center
  groups:
  - {id: ` + rbactest.GroupID(0) + `, name: platform}
  - {id: ` + rbactest.GroupID(1) + `, name: team-1}
adminGroups: [platform]
invariants:
- {name: prod, resource: applications, action: sync, object: team-3/prod-web, only: [platform], never: [team-1]}
`))
	if err != nil {
		b.Fatal(err)
	}
	var rbacRules []policy.Rule
	for _, r := range registry.Rules() {
		if strings.HasPrefix(r.ID, "RBAC-") {
			rbacRules = append(rbacRules, r)
		}
	}
	for _, n := range []int{100, 1000, 10000} {
		data := rbactest.Policy(n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			found := 0
			for b.Loop() {
				s := &policy.Snapshot{Settings: set, RBACCM: &policy.Object{Ref: rbacRef, Data: data}}
				for _, r := range rbacRules {
					found += len(r.Check(s))
				}
			}
			b.ReportMetric(float64(found)/float64(b.N), "findings/op")
		})
	}
}

// BenchmarkRBACCheckAdversarial: shapes that once made single rules
// quadratic (a 10,000-link role chain, a hub role with 10,000 members and
// 10,000 roles, 10,000 wildcard admins, 10,000 lines for one subject). A
// webhook must answer these in well under its timeout.
func BenchmarkRBACCheckAdversarial(b *testing.B) {
	set, err := settings.Parse([]byte(`
identity:
  provider: aws-iam-identity-center
  groups: [{id: 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, name: platform}]
adminGroups: [platform]
invariants:
- {name: prod, resource: applications, action: sync, object: team-3/prod, only: [platform], never: [g5], always: [g7]}
`))
	if err != nil {
		b.Fatal(err)
	}
	var oneSubject, chain, admins, hub []string
	for i := 0; i < 10000; i++ {
		oneSubject = append(oneSubject, fmt.Sprintf("p, role:x, applications, sync, team-%d/*, allow", i))
		chain = append(chain, fmt.Sprintf("g, r%d, r%d", i, i+1))
		admins = append(admins, fmt.Sprintf("p, role:r%d, applications, *, */*, allow\ng, g%d, role:r%d", i, i, i))
		hub = append(hub, fmt.Sprintf("g, g%d, role:hub\ng, role:hub, role:h%d", i, i))
	}
	chain = append(chain, "p, r10000, applications, *, *, allow")
	hub = append(hub, "p, role:h5, applications, *, */*, allow")
	var rbacRules []policy.Rule
	for _, r := range registry.Rules() {
		if strings.HasPrefix(r.ID, "RBAC-") {
			rbacRules = append(rbacRules, r)
		}
	}
	for _, shape := range []struct {
		name  string
		lines []string
	}{{"one-subject", oneSubject}, {"chain", chain}, {"wildcard-admins", admins}, {"hub", hub}} {
		data := map[string]string{"policy.csv": strings.Join(shape.lines, "\n"), "policy.default": "role:readonly"}
		b.Run(shape.name, func(b *testing.B) {
			for b.Loop() {
				s := &policy.Snapshot{Settings: set, RBACCM: &policy.Object{Ref: rbacRef, Data: data}}
				for _, r := range rbacRules {
					r.Check(s)
				}
			}
		})
	}
}
