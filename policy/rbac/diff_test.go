package rbac

import (
	"strings"
	"testing"
)

// TestDiffCoverage pins one-line changes around pattern coverage and the
// empty subject. The first two were missed before (found by
// test/conformance): Argo CD's answer flips and the diff said nothing.
func TestDiffCoverage(t *testing.T) {
	tests := []struct {
		name     string
		old, new map[string]string
		want     []string // each must be among the changes; nil: no change at all
	}{
		{"a? widened by a* (Argo CD: get abc false -> true)",
			csvData("p, bob, applications, get, a?, allow"),
			csvData("p, bob, applications, get, a?, allow\np, bob, applications, get, a*, allow"),
			[]string{"bob gains get applications a*"}},
		{"the empty subject gains role:readonly (Argo CD: get p/a for \"\" false -> true)",
			csvData(""),
			csvData("g,,role:readonly"),
			[]string{`"" (the empty subject) gains get applications */*`}},
		{"the empty subject loses an allow",
			csvData("p, , applications, sync, */*, allow"),
			csvData(""),
			[]string{`"" (the empty subject) loses sync applications */*`}},
		{"no default role is not the empty subject",
			csvData("p, , applications, sync, */*, allow"),
			csvData("p, , applications, sync, */*, allow\np, , clusters, get, *, allow"),
			[]string{`"" (the empty subject) gains get clusters *`}},
		{"narrowing inside a wider allow is quiet",
			csvData("p, bob, applications, get, */*, allow"),
			csvData("p, bob, applications, get, */*, allow\np, bob, applications, get, prod/*, allow"),
			nil},
		{"a literal inside a ? glob is quiet",
			csvData("p, bob, applications, get, a?, allow"),
			csvData("p, bob, applications, get, a?, allow\np, bob, applications, get, ab, allow"),
			nil},
		{"a ? glob inside * is reported: not proven",
			csvData("p, bob, applications, get, *, allow"),
			csvData("p, bob, applications, get, *, allow\np, bob, applications, get, a?, allow"),
			[]string{"bob gains get applications a?"}},
		{"widening a prefix",
			csvData("p, bob, applications, get, prod-a*, allow"),
			csvData("p, bob, applications, get, prod-*, allow"),
			[]string{"bob gains get applications prod-*"}},
		{"regex: a literal inside .* is quiet",
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, .*, allow"},
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, .*, allow\np, bob, applications, get, ^prod/a$, allow"},
			nil},
		{"regex: a wider regex is reported",
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, ^prod/a$, allow"},
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, ^prod/a$, allow\np, bob, applications, get, prod/.*, allow"},
			[]string{"bob gains get applications prod/.*"}},
		{"regex: a line with effect permit and an invalid regex fails bob's requests",
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, .*, allow"},
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, .*, allow\np, bob, applications, (, .*, permit"},
			[]string{`bob is now subject to a line that can fail requests to ( applications .* (effect "permit")`}},
		{"removing it is a gain",
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, .*, allow\np, bob, applications, (, .*, permit"},
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, .*, allow"},
			[]string{`bob is no longer subject to a line that can fail requests to ( applications .* (effect "permit")`}},
		{"glob: a line with effect Allow and plain patterns does nothing",
			csvData("p, bob, applications, get, */*, allow"),
			csvData("p, bob, applications, get, */*, allow\np, bob, applications, sync, */*, Allow"),
			nil},
		{"match mode change: nothing covers across modes",
			csvData("p, bob, applications, get, */*, allow"),
			map[string]string{KeyMatchMode: "regex", KeyPolicyCSV: "p, bob, applications, get, */*, allow\np, bob, applications, get, prod/.*, allow"},
			[]string{"bob gains get applications prod/.*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(mustEnforcer(t, tt.old), mustEnforcer(t, tt.new))
			var got []string
			for _, c := range d.Changes {
				got = append(got, c.Describe())
			}
			joined := strings.Join(got, "\n")
			if tt.want == nil && len(got) != 0 {
				t.Fatalf("want no change, got:\n%s", joined)
			}
			if tt.want != nil && len(got) == 0 {
				t.Fatalf("want %q, got no change", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains("\n"+joined+"\n", "\n"+w+"\n") {
					t.Errorf("missing %q in:\n%s", w, joined)
				}
			}
		})
	}
}

// TestDiffNoDefaultRole: an empty policy.default means no default role;
// the empty subject's lines must not be read as every user's.
func TestDiffNoDefaultRole(t *testing.T) {
	old := mustEnforcer(t, csvData("g, , role:dev"))
	new := mustEnforcer(t, csvData("g, , role:dev\np, role:dev, clusters, get, *, allow"))
	d := Diff(old, new)
	var subjects []string
	for _, c := range d.Changes {
		subjects = append(subjects, c.Subject)
	}
	if len(subjects) != 1 || subjects[0] != "" {
		t.Fatalf("changes for %q, want only the empty subject", subjects)
	}
}

func csvData(s string) map[string]string { return map[string]string{KeyPolicyCSV: s} }
