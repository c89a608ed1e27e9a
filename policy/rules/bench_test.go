package rules

// Benchmarks of the whole catalogue on the inputs the webhook sees (run with
// `go test -run '^$' -bench . -benchmem ./policy/rules/`), and a test that
// the work per admission does not grow with objects that have nothing to do
// with the change.

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/test/load/gen"
)

// admissionSnap is the snapshot of an UPDATE of argocd-rbac-cm in the
// guide's installation (variant as-written or fixed): all three guarded
// ConfigMaps, the guide's settings, the old object equal to the new one.
func admissionSnap(tb testing.TB, variant string) *policy.Snapshot {
	tb.Helper()
	set, err := settingsfile.Load(filepath.Join(guideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	load := func(name string) *policy.Object {
		o, err := manifest.ReadConfigMap(filepath.Join(guideDir, variant, name))
		if err != nil {
			tb.Fatal(err)
		}
		return o
	}
	s := &policy.Snapshot{
		Settings:    set,
		ArgoCDCM:    load("argocd-cm.yaml"),
		RBACCM:      load("argocd-rbac-cm.yaml"),
		WorkflowsCM: load("workflow-controller-configmap.yaml"),
		Operation:   "UPDATE",
	}
	s.Changed = &s.RBACCM.Ref
	s.Old = s.RBACCM
	return s
}

// policySnap replaces the guide's policy with a generated one of n lines
// whose groups the settings know.
func policySnap(tb testing.TB, n int) *policy.Snapshot {
	s := admissionSnap(tb, "fixed")
	set := *s.Settings
	set.Identity.Groups = append(append([]settings.Group(nil), set.Identity.Groups...), gen.Groups(n)...)
	set.IndexGroups()
	s.Settings = &set
	rbac := *s.RBACCM
	rbac.Data = map[string]string{"policy.csv": gen.PolicyCSV(n), "policy.default": "role:readonly", "scopes": "[groups]"}
	s.RBACCM, s.Old = &rbac, &rbac
	return s
}

func BenchmarkEvaluateGuide(b *testing.B) {
	for _, variant := range []string{"as-written", "fixed"} {
		b.Run(variant, func(b *testing.B) {
			s := admissionSnap(b, variant)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := evaluate(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEvaluatePolicyLines(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			s := policySnap(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := evaluate(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// withUnrelatedSecrets adds n Secrets that no guarded object refers to, as
// a cluster with Secret reading enabled could hand over.
func withUnrelatedSecrets(s *policy.Snapshot, n int) *policy.Snapshot {
	c := *s
	c.SecretsKnown = true
	c.Secrets = nil
	for i := 0; i < n; i++ {
		c.Secrets = append(c.Secrets, &policy.Object{
			Ref:  policy.ObjectRef{Kind: "Secret", Namespace: "unrelated", Name: fmt.Sprintf("app-secret-%d", i)},
			Data: map[string]string{"token": "not-a-real-value"},
		})
	}
	return &c
}

// Objects that no guarded key refers to must not make an admission do more
// work: the allocation count of one evaluation is the same with 0 and with
// 2,000 of them.
func TestAllocationsFlatInUnrelatedObjects(t *testing.T) {
	for _, variant := range []string{"as-written", "fixed"} {
		base := admissionSnap(t, variant)
		allocs := func(n int) float64 {
			s := withUnrelatedSecrets(base, n)
			return testing.AllocsPerRun(20, func() {
				if _, err := evaluate(s); err != nil {
					t.Fatal(err)
				}
			})
		}
		few, many := allocs(0), allocs(2000)
		t.Logf("%s: %.0f allocations per evaluation with 0 unrelated Secrets, %.0f with 2,000", variant, few, many)
		// A handful of allocations of slack for map growth; a per-object
		// cost would add thousands.
		if many > few+10 {
			t.Errorf("%s: allocations grow with unrelated objects: %.0f with 0, %.0f with 2,000", variant, few, many)
		}
	}
}

// Allocations per policy line stay bounded: a 10x longer policy may cost
// at most ~10x (plus slack) the allocations, never quadratically more.
func TestAllocationsLinearInPolicyLines(t *testing.T) {
	allocs := func(n int) float64 {
		s := policySnap(t, n)
		return testing.AllocsPerRun(3, func() {
			if _, err := evaluate(s); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(100), allocs(1000)
	t.Logf("allocations per evaluation: %.0f for 100 lines, %.0f for 1,000", small, large)
	if large > 15*small {
		t.Errorf("allocations grow faster than the policy: %.0f for 100 lines, %.0f for 1,000", small, large)
	}
}
