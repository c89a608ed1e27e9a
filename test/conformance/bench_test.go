package conformance

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

// sizedPolicy returns argocd-rbac-cm data whose policy.csv has exactly n
// lines, shaped like a real multi-team policy: per project a commented
// block of developer and operator roles with a deny, and the group-ID
// bindings (AWS IAM Identity Center sends IDs).
func sizedPolicy(n int) map[string]string {
	lines := []string{
		"# platform team",
		"g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin",
		"p, role:ci, applications, sync, */*, allow",
		"g, ci-bot, role:ci",
	}
	for j := 0; len(lines) < n; j++ {
		proj := fmt.Sprintf("team-%04d", j)
		lines = append(lines,
			"# "+proj,
			fmt.Sprintf("p, role:%s-dev, applications, get, %s/*, allow", proj, proj),
			fmt.Sprintf("p, role:%s-dev, applications, sync, %s/*, allow", proj, proj),
			fmt.Sprintf("p, role:%s-dev, applications, action/*, %s/*, allow", proj, proj),
			fmt.Sprintf("p, role:%s-dev, logs, get, %s/*, allow", proj, proj),
			fmt.Sprintf("p, role:%s-ops, applications, *, %s/*, allow", proj, proj),
			fmt.Sprintf("p, role:%s-ops, applications, delete, %s/prod-*, deny", proj, proj),
			fmt.Sprintf("g, role:%s-ops, role:%s-dev", proj, proj),
			fmt.Sprintf("g, %08x-%04x-70a4-3f1c-5e6d2b7c9a01, role:%s-dev", j, j%65536, proj),
			fmt.Sprintf("g, %08x-%04x-70a4-3f1c-5e6d2b7c9a02, role:%s-ops", j, j%65536, proj),
		)
	}
	return map[string]string{
		"policy.csv":     strings.Join(lines[:n], "\n"),
		"policy.default": "role:readonly",
		"scopes":         "[groups, email]",
	}
}

// benchSettings are the guide's settings (groups from aws-groups.json, an
// admin group) plus invariants, so RBAC-016 runs the enforcer too.
func benchSettings(tb testing.TB) *settings.Settings {
	s, err := settingsfile.Parse([]byte(`
mode: enforce
identity:
  provider: aws-iam-identity-center
  groupsFile: aws-groups.json
adminGroups: [argocd-admins]
invariants:
- name: only admins delete
  resource: applications
  action: delete
  object: team-0001/prod-web
  only: [argocd-admins, role:admin]
- name: ci can sync
  resource: applications
  action: sync
  object: team-0000/web
  always: [ci-bot]
`), "../testdata/guide", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// rbacRules is argoguard's catalogue restricted to the RBAC rules.
func rbacRules() *policy.Registry {
	var rbac []policy.Rule
	for _, r := range rules.MustNewRegistry().Rules() {
		if r.Category == "rbac" {
			rbac = append(rbac, r)
		}
	}
	reg, err := policy.NewRegistry(rbac, nil)
	if err != nil {
		panic(err)
	}
	return reg
}

// argocdLoad is what Argo CD does with the data: the admission-time
// ValidatePolicy (as `argocd admin settings rbac validate`) and the
// enforcer load argocd-server performs on every ConfigMap update.
func argocdLoad(tb testing.TB, data map[string]string) {
	if err := ArgoValidate(data); err != nil {
		tb.Fatal(err)
	}
	if _, err := NewArgoCD(data); err != nil {
		tb.Fatal(err)
	}
}

// argoguardCheck is argoguard's full RBAC check of the same data: parse,
// enforcer, and every RBAC rule (invariants, admin grants, groups, ...).
func argoguardCheck(tb testing.TB, reg *policy.Registry, s *settings.Settings, data map[string]string) []policy.Finding {
	snap := &policy.Snapshot{
		Settings: s,
		RBACCM:   &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}, Data: data},
		Now:      time.Unix(1_800_000_000, 0),
	}
	found, err := reg.Evaluate(snap)
	if err != nil {
		tb.Fatal(err)
	}
	return found
}

// TestSizedPolicies keeps the benchmark inputs honest: Argo CD accepts
// them, the RBAC rules run on them, and the rules do find what the policy
// holds (IDs unknown to the groups file).
func TestSizedPolicies(t *testing.T) {
	for _, n := range []int{100, 1000} {
		data := sizedPolicy(n)
		if got := strings.Count(data["policy.csv"], "\n") + 1; got != n {
			t.Fatalf("sizedPolicy(%d) has %d lines", n, got)
		}
		argocdLoad(t, data)
		found := argoguardCheck(t, rbacRules(), benchSettings(t), data)
		if len(found) == 0 {
			t.Errorf("sizedPolicy(%d): no RBAC finding, but its group IDs are not in aws-groups.json", n)
		}
	}
}

// BenchmarkRBACLoad measures, on the same 100/1,000/10,000-line policies,
// Argo CD's own ValidatePolicy + enforcer load and argoguard's full RBAC
// check. The "both" runs time each side inside the same iterations and
// report their ratio (argoguard-ns/argocd-ns), so it is measured in one run.
func BenchmarkRBACLoad(b *testing.B) {
	reg, s := rbacRules(), benchSettings(b)
	for _, n := range []int{100, 1000, 10000} {
		data := sizedPolicy(n)
		b.Run(fmt.Sprintf("lines=%d/argocd", n), func(b *testing.B) {
			for b.Loop() {
				argocdLoad(b, data)
			}
		})
		// The enforcer load alone (what argocd-server does on a ConfigMap
		// update), to show how much of Argo CD's time is ValidatePolicy's
		// referential-integrity pass.
		b.Run(fmt.Sprintf("lines=%d/argocd-enforcer-only", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewArgoCD(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("lines=%d/argoguard", n), func(b *testing.B) {
			for b.Loop() {
				argoguardCheck(b, reg, s, data)
			}
		})
		b.Run(fmt.Sprintf("lines=%d/both", n), func(b *testing.B) {
			var argo, ours time.Duration
			for b.Loop() {
				t0 := time.Now()
				argocdLoad(b, data)
				t1 := time.Now()
				argoguardCheck(b, reg, s, data)
				argo, ours = argo+t1.Sub(t0), ours+time.Since(t1)
			}
			b.ReportMetric(float64(argo.Nanoseconds())/float64(b.N), "argocd-ns/op")
			b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "argoguard-ns/op")
			b.ReportMetric(float64(ours)/float64(argo), "argoguard/argocd")
		})
	}
}
