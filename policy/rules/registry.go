// Package rules is argoguard's rule catalogue (docs/rules.md): one file per
// rule or tight family, each registering itself in init(). Evaluate runs
// them all; Default runs the defaulters of the mutating half.
package rules

import (
	"github.com/argoguard/argoguard/policy"
)

var (
	registry   = policy.NewRegistry()
	defaulters []policy.Defaulter
)

func register(r policy.Rule) { registry.Register(r) }

func registerDefaulter(d policy.Defaulter) { defaulters = append(defaulters, d) }

// Registry returns the catalogue (for reports and documentation).
func Registry() *policy.Registry { return registry }

// Known reports whether id is a rule of the catalogue (for the settings'
// rule overrides: a typo there must be an error, not a no-op).
func Known(id string) bool {
	_, ok := registry.Rule(id)
	return ok
}

// Evaluate runs every rule on the snapshot with the settings' per-rule
// action overrides.
func Evaluate(s *policy.Snapshot) ([]policy.Finding, error) {
	return registry.Evaluate(s, Actions(s))
}

// EvaluateOnly runs the rules whose IDs are in ids (nil: all), as Evaluate.
func EvaluateOnly(s *policy.Snapshot, ids map[string]bool) ([]policy.Finding, error) {
	return registry.EvaluateOnly(s, Actions(s), ids)
}

// Actions returns the settings' per-rule action overrides.
func Actions(s *policy.Snapshot) map[string]policy.Action {
	if s.Settings == nil || len(s.Settings.Rules) == 0 {
		return nil
	}
	out := make(map[string]policy.Action, len(s.Settings.Rules))
	for id, a := range s.Settings.Rules {
		out[id] = policy.Action(a)
	}
	return out
}

// Default returns the patches every defaulter proposes for obj. Each
// defaulter sees obj with the earlier defaulters' patches applied, so
// several patches of one key build on each other and applying them in
// order gives the final value.
func Default(s *policy.Snapshot, obj *policy.Object) []policy.Patch {
	var out []policy.Patch
	cur := obj
	for _, d := range defaulters {
		patches := d.Default(s, cur)
		out = append(out, patches...)
		cur = withData(cur, patches)
	}
	return out
}
