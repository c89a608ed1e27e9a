package policy_test

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestDefaultedValue(t *testing.T) {
	p := func(key, field string) policy.Patch { return policy.Patch{Key: key, Field: field} }
	for _, tc := range []struct {
		prev    string
		patches []policy.Patch
		want    string
	}{
		{"", []policy.Patch{p("scopes", "scopes"), p("policy.matchMode", "policy.matchMode")}, "policy.matchMode:policy.matchMode,scopes:scopes"},
		{"scopes:scopes", []policy.Patch{p("sso", "issuer")}, "scopes:scopes,sso:issuer"},
		{"sso:issuer, ,", []policy.Patch{p("sso", "issuer")}, "sso:issuer"},
		{"", nil, ""},
	} {
		if got := policy.DefaultedValue(tc.prev, tc.patches); got != tc.want {
			t.Errorf("policy.DefaultedValue(%q) = %q, want %q", tc.prev, got, tc.want)
		}
	}
}
