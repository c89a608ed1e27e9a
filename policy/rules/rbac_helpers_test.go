package rules

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

var rbacRef = policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}

// rbacSnap is the "minimal valid object + tweak" fixture: argocd-rbac-cm
// with the given data and settings (YAML, "" for defaults).
func rbacSnap(t *testing.T, data map[string]string, settingsYAML string) *policy.Snapshot {
	t.Helper()
	set := settings.Default()
	if settingsYAML != "" {
		var err error
		if set, err = settings.Parse([]byte(settingsYAML)); err != nil {
			t.Fatal(err)
		}
	}
	return &policy.Snapshot{Settings: set, RBACCM: &policy.Object{Ref: rbacRef, Data: data}}
}

// run evaluates one rule and returns its findings as "key:line action message".
func run(t *testing.T, id string, s *policy.Snapshot) []policy.Finding {
	t.Helper()
	rule, ok := registry.Rule(id)
	if !ok {
		t.Fatalf("rule %s not registered", id)
	}
	found := rule.Check(s)
	for i := range found {
		if found[i].Action == "" {
			found[i].Action = rule.Action
		}
		if found[i].Message == "" || found[i].Location.Object != s.RBACCM.Ref {
			t.Errorf("%s finding without message or object: %+v", id, found[i])
		}
		f := found[i]
		f.RuleID = id
		if n := len(f.Short()); n > 140 {
			t.Errorf("%s message too long for a warning (%d): %s", id, n, f.Short())
		}
	}
	return found
}

// lines returns the sorted line numbers of findings.
func lines(fs []policy.Finding) []int {
	var out []int
	for _, f := range fs {
		out = append(out, f.Location.Line)
	}
	sort.Ints(out)
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ruleCase is one row of a rule's table: data, settings, the lines that
// must be reported (nil: none) and text the first message must contain.
type ruleCase struct {
	name     string
	data     map[string]string
	settings string
	lines    []int
	contains string
	// action, when set, is the action every finding must have.
	action policy.Action
}

func runTable(t *testing.T, id string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := run(t, id, rbacSnap(t, tc.data, tc.settings))
			if got := lines(fs); !sameInts(got, tc.lines) {
				for _, f := range fs {
					t.Log(f.Short())
				}
				t.Fatalf("%s reported lines %v, want %v", id, got, tc.lines)
			}
			if tc.contains != "" && !strings.Contains(fs[0].Message+" "+fs[0].Detail+" "+fs[0].Fix, tc.contains) {
				t.Errorf("finding %q does not mention %q", fs[0].Short(), tc.contains)
			}
			for _, f := range fs {
				if tc.action != "" && f.Action != tc.action {
					t.Errorf("finding %q has action %s, want %s", f.Short(), f.Action, tc.action)
				}
			}
		})
	}
}

// loadConfigMap reads a ConfigMap YAML file into a policy.Object.
func loadConfigMap(t *testing.T, path string) *policy.Object {
	t.Helper()
	o, err := manifest.ReadConfigMap(path)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

const guideDir = "../../test/testdata/guide"

func guideSnap(t *testing.T, variant string) *policy.Snapshot {
	t.Helper()
	set, err := settingsfile.Load(filepath.Join(guideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &policy.Snapshot{
		Settings: set,
		RBACCM:   loadConfigMap(t, filepath.Join(guideDir, variant, "argocd-rbac-cm.yaml")),
		ArgoCDCM: loadConfigMap(t, filepath.Join(guideDir, variant, "argocd-cm.yaml")),
	}
}

// awsSettings knows two Identity Center groups; the first is the admin group.
const awsSettings = `
identity:
  provider: aws-iam-identity-center
  groups:
  - {id: 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, name: argocd-admins}
  - {id: a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15, name: argocd-developers}
adminGroups: [argocd-admins]
`

const (
	adminsID = "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01"
	devsID   = "a4c8f4d8-9041-7077-2b1e-8f0e6c3d2b15"
)

// csv is the minimal valid argocd-rbac-cm with the given policy.csv.
func csv(policy string) map[string]string { return map[string]string{"policy.csv": policy} }

// with adds keys to data.
func with(data map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i]] = kv[i+1]
	}
	return data
}
