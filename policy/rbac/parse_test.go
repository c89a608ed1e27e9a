package rbac

import (
	"strings"
	"testing"
)

func TestComposeOrder(t *testing.T) {
	data := map[string]string{
		"policy.csv": "A", "policy..csv": "E", "policy.a.csv": "Ax", "policy.b.csv": "B",
		"policy.default.csv": "D", "policy.default": "role:x", "policy.matchMode": "glob", "other.csv": "X",
	}
	if got, want := Compose(data), "A\nE\nAx\nB\nD"; got != want {
		t.Fatalf("Compose = %q, want %q", got, want)
	}
	if got := Compose(map[string]string{"policy.b.csv": "B"}); got != "\nB" {
		t.Fatalf("Compose without policy.csv = %q, want %q", got, "\nB")
	}
}

func TestParseLine(t *testing.T) {
	cases := []struct {
		line   string
		valid  bool
		typ    string
		fields []string
		reason string // substring of the error
	}{
		{"p, role:admin, projects, delete, *, allow", true, "p", []string{"role:admin", "projects", "delete", "*", "allow"}, ""},
		{"", true, "", nil, ""},
		{"#", true, "", nil, ""},
		{"   # indented comment", true, "", nil, ""},
		{`p, "role,admin", projects, delete, *, allow`, true, "p", []string{"role,admin", "projects", "delete", "*", "allow"}, ""},
		{" p, role:admin, projects, delete, *, allow \r", true, "p", []string{"role:admin", "projects", "delete", "*", "allow"}, ""},
		{"g, bob , role:x", true, "g", []string{"bob ", "role:x"}, ""},
		{"g,,role:x", true, "g", []string{"", "role:x"}, ""},
		{"p, bob, applications, get, */*, ", true, "p", []string{"bob", "applications", "get", "*/*", ""}, ""},
		{"p, bob, applications, get, */*, allow # note", true, "p", []string{"bob", "applications", "get", "*/*", "allow # note"}, ""},
		{"r, a, b, c, d", true, "r", []string{"a", "b", "c", "d"}, ""},
		{"e, foo", true, "e", []string{"foo"}, ""},
		{"m", true, "m", []string{}, ""},
		{"this, is, not, a, good, policy", false, "", nil, "unknown line type \"this\""},
		{"\"this\ttoo\"", false, "", nil, "unknown line type"},
		{"p", false, "", nil, "needs exactly 6"},
		{"Some comment", false, "", nil, "unknown line type"},
		{"agh, foo, bar", false, "", nil, "unknown line type"},
		{"p, role:Myrole, applications, *, myproj/* allow", false, "", nil, "has 5 fields"},
		{", role:Myrole, applications, *, myproj/*, allow", false, "", nil, "type (first field) is empty"},
		{"g, a, role:x,", false, "", nil, "needs exactly 3"},
		{"g, user@x role:admin", false, "", nil, "has 2 fields"},
		{"P, a, b, c, d, allow", false, "", nil, "unknown line type \"P\""},
		{"p2, a, b, c, d, allow", false, "", nil, "unknown line type"},
		{`g, a"b, role:x`, false, "", nil, "CSV quoting: column"},
		{`g, "a, role:x`, false, "", nil, "CSV quoting"},
	}
	for _, tc := range cases {
		l, err := ParseLine(tc.line)
		if (err == nil) != tc.valid {
			t.Errorf("ParseLine(%q) err = %v, want valid=%v", tc.line, err, tc.valid)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("ParseLine(%q) err = %q, want it to mention %q", tc.line, err, tc.reason)
			}
			continue
		}
		if tc.typ == "" {
			if l != nil {
				t.Errorf("ParseLine(%q) = %+v, want skipped", tc.line, l)
			}
			continue
		}
		if l.Type != tc.typ || strings.Join(l.Fields, "|") != strings.Join(tc.fields, "|") || len(l.Fields) != len(tc.fields) {
			t.Errorf("ParseLine(%q) = %s %q, want %s %q", tc.line, l.Type, l.Fields, tc.typ, tc.fields)
		}
	}
}

func TestParseKeepsKeyAndLine(t *testing.T) {
	p := Parse(map[string]string{
		"policy.csv":        "# header\np, a, applications, get, */*, allow\n\np, b, applications, get",
		"policy.team-a.csv": "g, x, role:a\ng, y role:a",
		"policy.default":    "role:readonly",
	})
	if len(p.Lines) != 2 || p.Lines[0].Where() != `data["policy.csv"] line 2` || p.Lines[1].Where() != `data["policy.team-a.csv"] line 1` {
		for _, l := range p.Lines {
			t.Log(l.Where(), l.Text)
		}
		t.Fatalf("lines not located as expected")
	}
	if len(p.Errors) != 2 {
		t.Fatalf("errors = %v, want 2", p.Errors)
	}
	if got := p.Errors[0].Error(); !strings.HasPrefix(got, `data["policy.csv"] line 4: p line has 4 fields, needs exactly 6`) {
		t.Errorf("error 0 = %q", got)
	}
	if got := p.Errors[1].Error(); !strings.HasPrefix(got, `data["policy.team-a.csv"] line 2: g line has 2 fields, needs exactly 3`) {
		t.Errorf("error 1 = %q", got)
	}
	if p.Default != "role:readonly" || p.Valid() {
		t.Errorf("Default=%q Valid=%v", p.Default, p.Valid())
	}
}
