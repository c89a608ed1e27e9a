package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// registry is the catalogue validated, as every caller builds it.
var registry = MustNewRegistry()

func evaluate(s *policy.Snapshot) ([]policy.Finding, error) { return registry.Evaluate(s) }

func defaults(s *policy.Snapshot, obj *policy.Object) []policy.Patch { return registry.Default(s, obj) }

func withData(obj *policy.Object, patches []policy.Patch) *policy.Object {
	return obj.WithPatches(patches)
}

// The catalogue is valid, lists every rule once in docs/rules.md order,
// and names the defaulters in the order they apply.
func TestCatalogueIsValidAndOrdered(t *testing.T) {
	rules, defs := Catalogue()
	if _, err := policy.NewRegistry(rules, defs); err != nil {
		t.Fatal(err)
	}
	got := registry.Rules()
	if len(got) != len(rules) {
		t.Fatalf("registry holds %d rules, catalogue lists %d", len(got), len(rules))
	}
	for i := range rules {
		if got[i].ID != rules[i].ID {
			t.Fatalf("rule %d: catalogue lists %s where the registry's ID order has %s", i, rules[i].ID, got[i].ID)
		}
	}
	var ids []string
	for _, d := range defs {
		ids = append(ids, d.ID)
	}
	if want := "rbac-match-mode-scopes,saml-connector,workflows-sso"; strings.Join(ids, ",") != want {
		t.Errorf("defaulters %v, want %s", ids, want)
	}
}
