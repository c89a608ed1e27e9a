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
  - {id: `+rbactest.GroupID(0)+`, name: platform}
  - {id: `+rbactest.GroupID(1)+`, name: team-1}
adminGroups: [platform]
invariants:
- {name: prod, resource: applications, action: sync, object: team-3/prod-web, only: [platform], never: [team-1]}
`), "")
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
