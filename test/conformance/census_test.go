package conformance

import (
	"regexp"
	"strings"
	"testing"
)

// feature is one thing the issue asks the corpus to cover, recognised in
// a case's raw data.
type feature struct {
	name      string
	has       func(c Case, text string) bool
	wantValid bool // some case with it must be a policy Argo CD accepts
}

var (
	quotedComma = regexp.MustCompile(`"[^"\n]*,[^"\n]*"`)
	chainOver10 = regexp.MustCompile(`role:c1[0-2]\b`)
	graphDeep   = regexp.MustCompile(`role:n1[0-3]\b`)
)

func isOneOf(lines ...string) func(string) bool {
	return func(l string) bool {
		for _, x := range lines {
			if l == x {
				return true
			}
		}
		return false
	}
}

func hasLine(text string, f func(string) bool) bool {
	for l := range strings.SplitSeq(text, "\n") {
		if f(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

var features = []feature{
	{"quoted field with a comma", func(_ Case, t string) bool { return quotedComma.MatchString(t) }, true},
	{"bare quote", func(_ Case, t string) bool { return strings.Contains(t, `, bo"b,`) }, false},
	{"whole-line comment", func(_ Case, t string) bool {
		return hasLine(t, func(l string) bool { return strings.HasPrefix(l, "#") })
	}, true},
	{"inline # note", func(_ Case, t string) bool { return strings.Contains(t, "allow # ") || strings.Contains(t, "deny # ") }, true},
	{"CRLF", func(_ Case, t string) bool { return strings.Contains(t, "\r\n") }, true},
	{"blank line", func(_ Case, t string) bool { return hasLine(t, func(l string) bool { return l == "" }) }, true},
	{"unterminated quote", func(_ Case, t string) bool {
		return hasLine(t, isOneOf(`p, "bob, applications, get, */*, allow`, `p, "bob`))
	}, false},
	{"overlay policy..csv", func(c Case, _ string) bool { _, ok := c.Data["policy..csv"]; return ok }, true},
	{"overlay policy.default.csv", func(c Case, _ string) bool { _, ok := c.Data["policy.default.csv"]; return ok }, true},
	{"no policy.csv, overlays only", func(c Case, _ string) bool {
		_, ok := c.Data["policy.csv"]
		return !ok && len(c.Data) > 0
	}, true},
	{"look-alike key that is not read", func(c Case, _ string) bool {
		for _, k := range decoyKeys {
			if _, ok := c.Data[k]; ok {
				return true
			}
		}
		return false
	}, true},
	{"regex mode", func(c Case, _ string) bool { return c.Data["policy.matchMode"] == "regex" }, true},
	{"misspelt match mode", func(c Case, _ string) bool {
		m, ok := c.Data["policy.matchMode"]
		return ok && m != "regex" && m != "glob" && m != ""
	}, true},
	{"invalid regex in regex mode", func(c Case, t string) bool {
		return c.Data["policy.matchMode"] == "regex" && (strings.Contains(t, ", (,") || strings.Contains(t, ", */*,") || strings.Contains(t, ", [,"))
	}, true},
	{"wrong field count", func(_ Case, t string) bool {
		return hasLine(t, isOneOf("p, bob, applications, get, */*", "p, bob, applications, get, */*, allow, extra", "g, bob", "g, bob, role:admin, extra"))
	}, false},
	{"trailing comma", func(_ Case, t string) bool {
		return hasLine(t, isOneOf("p, bob, applications, get, */*, allow,", "g, bob, role:admin,"))
	}, false},
	{"unknown type P or p2", func(_ Case, t string) bool {
		return hasLine(t, func(l string) bool { return strings.HasPrefix(l, "P, ") || strings.HasPrefix(l, "p2, ") })
	}, false},
	{"r, e or m line", func(_ Case, t string) bool {
		return hasLine(t, func(l string) bool {
			return l == "r" || strings.HasPrefix(l, "r, ") || strings.HasPrefix(l, "e, ") || strings.HasPrefix(l, "m, ")
		})
	}, true},
	{"deny effect", func(_ Case, t string) bool { return strings.Contains(t, "deny") }, true},
	{"mis-spelt effect", func(_ Case, t string) bool {
		return strings.Contains(t, "Allow") || strings.Contains(t, "ALLOW") || strings.Contains(t, "permit")
	}, true},
	{"empty effect", func(_ Case, t string) bool {
		return hasLine(t, isOneOf("p, bob, applications, get, */*,", "p,,,,,", "p, , , , ,"))
	}, true},
	{"built-in default role", func(c Case, _ string) bool { return c.Data["policy.default"] == "role:readonly" }, true},
	{"custom default role", func(c Case, _ string) bool { return c.Data["policy.default"] == "role:dev" }, true},
	{"missing default role", func(c Case, _ string) bool { return c.Data["policy.default"] == "role:missing" }, true},
	{"default role with a blank", func(c Case, _ string) bool { d := c.Data["policy.default"]; return d != strings.TrimSpace(d) }, true},
	{"role chain over 10 hops", func(_ Case, t string) bool { return chainOver10.MatchString(t) }, true},
	{"role graph around 10 hops", func(_ Case, t string) bool { return graphDeep.MatchString(t) }, true},
	{"role cycle", func(_ Case, t string) bool { return strings.Contains(t, "role:k0") }, true},
	{"trailing blank in a field", func(_ Case, t string) bool { return strings.Contains(t, " ,") }, true},
	{"glob class or alternatives", func(_ Case, t string) bool {
		return strings.Contains(t, "[a-c]") || strings.Contains(t, "{applications,projects}")
	}, true},
	{"invalid glob", func(c Case, t string) bool {
		return c.Data["policy.matchMode"] != "regex" && strings.Contains(t, "[abc")
	}, true},
	{"subject *", func(_ Case, t string) bool { return strings.Contains(t, "p, *,") || strings.Contains(t, "g, *,") }, true},
}

// TestCorpusCensus checks that the fixed corpus holds every kind of input
// the issue lists, and for the kinds Argo CD can accept, in valid policies
// too (so decisions, not only verdicts, are compared on them).
func TestCorpusCensus(t *testing.T) {
	cases, answers := corpus()
	texts := make([]string, len(cases))
	for i, c := range cases {
		// Each value's lines, without the empty one after a final newline.
		var b strings.Builder
		for _, v := range c.Data {
			b.WriteString(strings.TrimSuffix(v, "\n"))
			b.WriteString("\n")
		}
		texts[i] = strings.TrimSuffix(b.String(), "\n")
	}
	for _, f := range features {
		all, valid := 0, 0
		for i, c := range cases {
			if f.has(c, texts[i]) {
				all++
				if answers[i].validErr == nil {
					valid++
				}
			}
		}
		if all < 5 || (f.wantValid && valid < 3) {
			t.Errorf("%s: in %d cases, %d of them valid", f.name, all, valid)
		}
		t.Logf("%-36s %4d cases, %4d valid", f.name, all, valid)
	}
}

func splitLines(s string) []string { return strings.Split(s, "\n") }
func joinLines(l []string) string  { return strings.Join(l, "\n") }
