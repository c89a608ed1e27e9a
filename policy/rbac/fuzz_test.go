package rbac

import (
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/gobwas/glob"
)

// casbinLoad loads text into a real casbin enforcer the way Argo CD's
// adapter does (split on "\n", trim, skip comments, encoding/csv with
// TrimLeadingSpace, field counts, model[sec][key] must exist), written
// against casbin's own model rather than this package's parser. It
// returns the policy rules casbin holds per type, or the load error.
func casbinLoad(text string) (map[string][][]string, error) {
	m, err := model.NewModelFromString(ModelConf)
	if err != nil {
		return nil, err
	}
	_, err = newCasbinSafe(m, &oracleAdapter{text: text})
	if err != nil {
		return nil, err
	}
	out := map[string][][]string{}
	for _, sec := range []string{"p", "g", "r", "e", "m"} {
		if ast, ok := m[sec][sec]; ok && len(ast.Policy) > 0 {
			out[sec] = ast.Policy
		}
	}
	return out, nil
}

func newCasbinSafe(m model.Model, a *oracleAdapter) (e *casbin.Enforcer, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	e, err = casbin.NewEnforcer(m, a)
	if err == nil {
		// The enforcer loads into a copy of the model; read back its rules.
		for _, sec := range []string{"p", "g", "r", "e", "m"} {
			if ast, ok := e.GetModel()[sec][sec]; ok {
				m[sec][sec].Policy = ast.Policy
			}
		}
	}
	return e, err
}

type oracleAdapter struct{ text string }

func (a *oracleAdapter) LoadPolicy(m model.Model) error {
	for _, raw := range strings.Split(a.text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := csv.NewReader(strings.NewReader(line))
		r.TrimLeadingSpace = true
		tokens, err := r.Read()
		if err != nil {
			return err
		}
		if len(tokens) < 1 || tokens[0] == "" || (tokens[0] == "g" && len(tokens) != 3) || (tokens[0] == "p" && len(tokens) != 6) {
			return fmt.Errorf("invalid RBAC policy: %s", line)
		}
		sec := tokens[0][:1]
		ast, ok := m[sec][tokens[0]]
		if !ok {
			return fmt.Errorf("invalid RBAC policy: %s", line)
		}
		ast.Policy = append(ast.Policy, tokens[1:])
	}
	return nil
}

func (a *oracleAdapter) SavePolicy(model.Model) error                { return errReadOnly }
func (a *oracleAdapter) AddPolicy(string, string, []string) error    { return errReadOnly }
func (a *oracleAdapter) RemovePolicy(string, string, []string) error { return errReadOnly }
func (a *oracleAdapter) RemoveFilteredPolicy(string, string, int, ...string) error {
	return errReadOnly
}

var fuzzSeeds = []string{
	"p, role:admin, projects, delete, *, allow",
	"",
	"#",
	`p, "role,admin", projects, delete, *, allow`,
	" p, role:admin, projects, delete, *, allow \r",
	"this, is, not, a, good, policy",
	"\"this\ttoo\"",
	"p",
	"p, role:Myrole, applications, *, myproj/* allow",
	", role:Myrole, applications, *, myproj/*, allow",
	"g, a, role:x,",
	"g, bob , role:x",
	"r, a, b, c, d",
	"e, foo\nm",
	"p, bob, applications, get, */*, allow # note",
	`g, a"b, role:x`,
	`p, bob, applications, "{get,sync}", */*, allow`,
	"g, a, b\ng, b, a\np, b, applications, get, */*, allow\np, a, applications, sync, */*, deny",
	"p, a, applications, get, [x, allow\np, a, applications, (, .*, allow",
	"p,,,,,\ng,,",
	"\xff, a, b",
}

// FuzzParseLine: no panic, and the verdict and fields equal casbin's
// loading of the same line.
func FuzzParseLine(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, "\n") {
			return // one line at a time; FuzzPolicy covers several
		}
		l, err := ParseLine(text)
		rules, cerr := casbinLoad(text)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("ParseLine(%q) err = %v, casbin load err = %v", text, err, cerr)
		}
		if err != nil || l == nil {
			return
		}
		got := rules[l.Type]
		if len(got) != 1 || !reflect.DeepEqual(got[0], l.Fields) {
			t.Fatalf("ParseLine(%q) = %s %q, casbin holds %q", text, l.Type, l.Fields, rules)
		}
	})
}

// FuzzPolicy: a policy text split over two keys parses without panic;
// validity equals casbin's loading of the composed text; and on valid
// input the enforcer agrees with casbin on requests built from the
// policy's own values.
func FuzzPolicy(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, false, "")
		f.Add(s, true, "role:x")
	}
	f.Fuzz(func(t *testing.T, text string, regex bool, def string) {
		main, overlay, _ := strings.Cut(text, "\x00")
		data := map[string]string{KeyPolicyCSV: main, "policy.z.csv": overlay, KeyDefault: def}
		if regex {
			data[KeyMatchMode] = MatchModeRegex
		}
		p := Parse(data)
		_, cerr := casbinLoad(Compose(data))
		if p.Valid() != (cerr == nil) {
			t.Fatalf("policy %q: Parse valid=%v (%v), casbin load err = %v", Compose(data), p.Valid(), p.Err(), cerr)
		}
		if !p.Valid() {
			return
		}
		e, err := NewEnforcer(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewCasbinEnforcer(p)
		if err != nil {
			t.Fatal(err)
		}
		values := []string{"", "x", "p/a"}
		for _, l := range p.Lines {
			values = append(values, l.Fields...)
		}
		if len(values) > 12 {
			values = values[:12]
		}
		// Holders (backward walks) equals asking every name one by one.
		for _, q := range [][3]string{{values[0], values[1], values[2]}, {"applications", "get", "p/a"}} {
			var brute []string
			for _, n := range e.Names() {
				if e.EnforceSubject(n, q[0], q[1], q[2]) {
					brute = append(brute, n)
				}
			}
			if got := e.Holders(q[0], q[1], q[2]); !reflect.DeepEqual(got, brute) && len(got)+len(brute) > 0 {
				t.Fatalf("policy %q: Holders%q = %q, one by one %q", Compose(data), q, got, brute)
			}
		}
		subjects := append([]string{"admin", "role:admin", def}, values...)
		for i, sub := range subjects {
			for j, v := range values {
				res, act, obj := v, values[(i+j)%len(values)], values[(i+2*j+1)%len(values)]
				if got, want := e.Enforce(sub, res, act, obj), c.Enforce(sub, res, act, obj); got != want {
					t.Fatalf("policy %q regex=%v default=%q: Enforce(%q,%q,%q,%q) = %v, casbin %v", Compose(data), regex, def, sub, res, act, obj, got, want)
				}
			}
		}
	})
}

// FuzzGlob: the direct matcher for `*`-only globs answers as gobwas/glob
// (which Argo CD uses) for every pattern and value.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{{"*/*", "p/a"}, {"team-*/*", "team-a/b"}, {"a**b", "ab"}, {"*a*a*", "aa"}, {"", ""}, {"x*", "y"}, {"[ab]*", "a"}, {"*", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		m := compilePattern(pattern, false)
		got, gotBroken := m.match(value, false)
		g, err := glob.Compile(pattern)
		want, wantBroken := false, false
		if err == nil {
			func() {
				defer func() {
					if recover() != nil {
						wantBroken = true
					}
				}()
				want = g.Match(value)
			}()
		}
		if got != want || gotBroken != wantBroken {
			t.Fatalf("glob %q on %q: %v (panic %v), gobwas/glob %v (panic %v, compile err %v)", pattern, value, got, gotBroken, want, wantBroken, err)
		}
		if (PatternError(pattern, false) == nil) != (err == nil) {
			t.Fatalf("PatternError(%q) = %v, gobwas %v", pattern, PatternError(pattern, false), err)
		}
	})
}
