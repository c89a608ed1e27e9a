package rules

import (
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// appProject builds an AppProject Object in namespace argocd from its spec
// written as YAML.
func appProject(t *testing.T, name, spec string) *policy.Object {
	t.Helper()
	var m any
	if err := yaml.Unmarshal([]byte(spec), &m); err != nil {
		t.Fatalf("spec: %v", err)
	}
	o, err := policy.AppProjectObject(map[string]any{
		"metadata": map[string]any{"name": name, "namespace": "argocd"},
		"spec":     m,
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// settingsFrom parses settings YAML ("" for the defaults).
func settingsFrom(t testing.TB, settingsYAML string) *settings.Settings {
	t.Helper()
	if settingsYAML == "" {
		return settings.Default()
	}
	set, err := settings.Parse([]byte(settingsYAML))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// checkFindings runs one rule's check and fills in the actions as the
// registry does, asserting every finding names its object, a field path
// and a message.
func checkFindings(t *testing.T, id string, s *policy.Snapshot) []policy.Finding {
	t.Helper()
	rule, ok := registry.Rule(id)
	if !ok {
		t.Fatalf("rule %s not registered", id)
	}
	fs := rule.Check(s)
	for i := range fs {
		if fs[i].Action == "" {
			fs[i].Action = rule.Action
		}
		f := fs[i]
		if f.Message == "" || f.Location.Object.Name == "" || f.Location.Path == "" || f.Location.Key != "" {
			t.Errorf("%s finding without message, object or field path: %+v", id, f)
		}
	}
	return fs
}

// pathActions renders findings as sorted "path action".
func pathActions(fs []policy.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Location.Path+" "+string(f.Action))
	}
	sort.Strings(out)
	return out
}

// projCase is one row of a PROJ rule's table: the project team-a's spec,
// optional argocd-rbac-cm data and settings, the findings expected
// as "path action" and text the first must contain.
type projCase struct {
	name     string
	spec     string
	rbac     map[string]string
	settings string
	want     []string
	contains string
}

func runProjTable(t *testing.T, id string, cases []projCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &policy.Snapshot{Settings: settingsFrom(t, tc.settings), Projects: []*policy.Object{appProject(t, "team-a", tc.spec)}}
			if tc.rbac != nil {
				s.RBACCM = &policy.Object{Ref: rbacRef, Data: tc.rbac}
			}
			fs := checkFindings(t, id, s)
			assertFindings(t, id, fs, pathActions(fs), tc.want, tc.contains)
		})
	}
}

// assertFindings compares a rule's findings, rendered as got, with want,
// and the first one's text with contains.
func assertFindings(t *testing.T, id string, fs []policy.Finding, got, want []string, contains string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		for _, f := range fs {
			t.Log(f.Short())
		}
		t.Fatalf("%s found\n%s\nwant\n%s", id, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if contains != "" && !strings.Contains(fs[0].Message+" "+fs[0].Detail+" "+fs[0].Fix, contains) {
		t.Errorf("finding %q does not mention %q", fs[0].Short(), contains)
	}
}
