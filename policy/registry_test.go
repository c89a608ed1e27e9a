package policy

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/settings"
)

func quietRule(id string) Rule {
	return Rule{ID: id, Title: id, Severity: SeverityLow, Action: ActionWarn, Check: func(*Snapshot) []Finding { return nil }}
}

// NewRegistry refuses a malformed catalogue and says everything that is
// wrong with it at once, each problem naming the rule or defaulter.
func TestNewRegistryRefusesMalformedCatalogues(t *testing.T) {
	noCheck := quietRule("RBAC-003")
	noCheck.Check = nil
	badSeverity := quietRule("RBAC-004")
	badSeverity.Severity = "urgent"
	badAction := quietRule("RBAC-005")
	badAction.Action = "block"
	noTitle := quietRule("RBAC-006")
	noTitle.Title = ""
	nop := func(*Snapshot, *Object) []Patch { return nil }
	for _, tc := range []struct {
		name  string
		rules []Rule
		defs  []Defaulter
		want  []string
	}{
		{"valid", []Rule{quietRule("RBAC-001"), quietRule("ACD-001")}, []Defaulter{{ID: "a", Default: nop}}, nil},
		{"bad ID", []Rule{quietRule("RBAC-1"), quietRule("rbac-001"), quietRule("FOO-001"), quietRule("PROJ-01"), quietRule("WFS-001"), quietRule("WFSAX-001")}, nil,
			[]string{`"RBAC-1"`, `"rbac-001"`, `"FOO-001"`, `"PROJ-01"`, `"WFS-001"`, `"WFSAX-001"`}},
		{"new families", []Rule{quietRule("PROJ-001"), quietRule("WFSA-009")}, nil, nil},
		{"duplicate", []Rule{quietRule("RBAC-001"), quietRule("RBAC-001")}, nil, []string{"RBAC-001 is in the catalogue twice"}},
		{"fields", []Rule{noCheck, badSeverity, badAction, noTitle}, nil,
			[]string{"RBAC-003 has no check", `RBAC-004 has unknown severity "urgent"`, `RBAC-005 has unknown action "block"`, "RBAC-006 has no title"}},
		{"defaulters", nil, []Defaulter{{Default: nop}, {ID: "b"}, {ID: "c", Default: nop}, {ID: "c", Default: nop}},
			[]string{"defaulter 0 has no ID", "defaulter b has no function", "defaulter c is in the catalogue twice"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRegistry(tc.rules, tc.defs)
			if tc.want == nil {
				if err != nil || r == nil {
					t.Fatalf("valid catalogue refused: %v", err)
				}
				return
			}
			if err == nil || r != nil {
				t.Fatalf("malformed catalogue accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// The settings' per-rule override wins over the rule's default action and
// over a finding the rule softened itself; Known answers for the IDs the
// registry holds.
func TestRegistryAppliesSettingsOverrides(t *testing.T) {
	soft := quietRule("RBAC-002")
	soft.Action = ActionDeny
	soft.Check = func(*Snapshot) []Finding { return []Finding{{Message: "a"}, {Message: "b", Action: ActionWarn}} }
	r, err := NewRegistry([]Rule{soft}, nil)
	if err != nil {
		t.Fatal(err)
	}
	actions := func(set *settings.Settings) string {
		fs, err := r.Evaluate(&Snapshot{Settings: set})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fs {
			out = append(out, string(f.Action))
		}
		return strings.Join(out, ",")
	}
	if got := actions(settings.Default()); got != "deny,warn" {
		t.Errorf("defaults: %s, want deny,warn", got)
	}
	set := settings.Default()
	set.Rules = map[string]string{"RBAC-002": "audit"}
	if got := actions(set); got != "audit,audit" {
		t.Errorf("override: %s, want audit,audit", got)
	}
	if !r.Known("RBAC-002") || r.Known("RBAC-003") {
		t.Error("Known does not answer for the registry's rules")
	}
}

// Defaulters run in the order given, each seeing the object with the
// earlier ones' patches.
func TestRegistryDefaultersChainInOrder(t *testing.T) {
	set := func(key, value string) DefaultFunc {
		return func(_ *Snapshot, o *Object) []Patch {
			return []Patch{{Object: o.Ref, Key: key, Value: o.Data["k"] + value, Field: key}}
		}
	}
	r, err := NewRegistry(nil, []Defaulter{{ID: "first", Default: set("k", "1")}, {ID: "second", Default: set("k", "2")}})
	if err != nil {
		t.Fatal(err)
	}
	obj := &Object{Data: map[string]string{"k": "0"}}
	patches := r.Default(&Snapshot{}, obj)
	if len(patches) != 2 || patches[0].Value != "01" || patches[1].Value != "012" {
		t.Fatalf("patches %+v, want 01 then 012", patches)
	}
	if obj.Data["k"] != "0" {
		t.Error("a defaulter changed the caller's object")
	}
}
