package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// BenchmarkSSORulesGuide times every ACD, DEX and WF rule on the guide's
// as-written configuration, as one admission request would run them.
func BenchmarkSSORulesGuide(b *testing.B) {
	snap := guideManifests(b, filepath.Join(guideDir, "as-written"))
	var ssoRules []policy.Rule
	for _, r := range registry.Rules() {
		if !strings.HasPrefix(r.ID, "RBAC-") {
			ssoRules = append(ssoRules, r)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		// A new object each time, as each admission request brings one:
		// the parse cache does not help.
		cp := *snap.ArgoCDCM
		s := *snap
		s.ArgoCDCM = &cp
		for _, r := range ssoRules {
			if r.ClusterOnly && !s.SecretsKnown {
				continue
			}
			r.Check(&s)
		}
	}
}

// BenchmarkDefaultsGuide times the defaulters on argocd-cm.
func BenchmarkDefaultsGuide(b *testing.B) {
	snap := guideManifests(b, filepath.Join(guideDir, "as-written"))
	for b.Loop() {
		defaults(snap, snap.ArgoCDCM)
	}
}
