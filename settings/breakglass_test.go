package settings

import (
	"strings"
	"testing"
)

// Break-glass for a group that holds everyone is no guard at all: the
// settings are refused, naming the field and why.
func TestBreakGlassForEveryoneIsRefused(t *testing.T) {
	for _, tc := range []struct{ name, yaml, field, who string }{
		{"authenticated", "breakGlass: {groups: [platform-oncall, system:authenticated]}", "breakGlass.groups[1]", "every authenticated user"},
		{"unauthenticated", "breakGlass: {groups: [system:unauthenticated]}", "breakGlass.groups[0]", "every anonymous request"},
		{"service accounts", "breakGlass: {groups: [system:serviceaccounts]}", "breakGlass.groups[0]", "every service account"},
		{"anonymous user", "breakGlass: {users: [system:anonymous]}", "breakGlass.users[0]", "every anonymous request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range []string{tc.field, tc.who, "turns the guard off"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
	// Both at once: every error is named.
	_, err := Parse([]byte("breakGlass: {groups: [system:authenticated, system:serviceaccounts]}"))
	if err == nil || !strings.Contains(err.Error(), "groups[0]") || !strings.Contains(err.Error(), "groups[1]") {
		t.Errorf("both bad groups should be named: %v", err)
	}
	// A namespace's service accounts, a named group: fine.
	if _, err := Parse([]byte("breakGlass: {groups: [platform-oncall, 'system:serviceaccounts:ops'], users: [alice], serviceAccounts: [ops/fixer]}")); err != nil {
		t.Errorf("ordinary break-glass requesters refused: %v", err)
	}
}

// A cluster that runs only Argo CD or only Argo Workflows says so; both
// off guards nothing and is refused.
func TestGuardedComponents(t *testing.T) {
	for _, tc := range []struct {
		yaml        string
		argocd, wf  bool
		errContains string
	}{
		{yaml: "mode: enforce", argocd: true, wf: true},
		{yaml: "workflows: {enabled: false}", argocd: true, wf: false},
		{yaml: "argocd: {enabled: false, url: https://argocd.example.com}", argocd: false, wf: true},
		{yaml: "argocd: {enabled: true}\nworkflows: {enabled: true}", argocd: true, wf: true},
		{yaml: "argocd: {enabled: false}\nworkflows: {enabled: false}", errContains: "guard nothing"},
	} {
		s, err := Parse([]byte(tc.yaml))
		if tc.errContains != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errContains) {
				t.Errorf("%q: error %v, want one saying %q", tc.yaml, err, tc.errContains)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if s.GuardsArgoCD() != tc.argocd || s.GuardsWorkflows() != tc.wf {
			t.Errorf("%q: guards argocd %v workflows %v, want %v %v", tc.yaml, s.GuardsArgoCD(), s.GuardsWorkflows(), tc.argocd, tc.wf)
		}
	}
	if d := Default(); !d.GuardsArgoCD() || !d.GuardsWorkflows() {
		t.Error("the defaults guard both")
	}
}
