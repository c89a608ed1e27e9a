package sso

import (
	"strings"
	"testing"
)

// billionLaughs is a small document whose aliases expand exponentially.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for i := 0; i < 9; i++ {
		name := string(rune('b' + i))
		b.WriteString(name + ": &" + name + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	b.WriteString("connectors: *" + prev + "\nstaticClients: *" + prev + "\n")
	return b.String()
}

func TestHostileYAMLIsRefused(t *testing.T) {
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	for _, tc := range []struct{ name, in, want string }{
		{"alias bomb", billionLaughs(), "aliases expand"},
		{"too deep", "connectors: " + deep + "\n", "nested more than"},
		{"too large", "logger: {level: '" + strings.Repeat("x", MaxValueBytes) + "'}\n", "more than the"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseDex(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseDex: %v, want %q", err, tc.want)
			}
			w := ParseWorkflows(map[string]string{"sso": strings.Replace(tc.in, "connectors", "scopes", 1)})
			if tc.name != "alias bomb" && !w.HasProblem(KindSyntax) {
				t.Errorf("ParseWorkflows: %v", w.Problems)
			}
		})
	}
}

func TestAliasesStillWork(t *testing.T) {
	in := "x: &saml\n  type: saml\n  id: a\n  name: A\n  config: {ssoURL: https://s}\nconnectors:\n- *saml\n- <<: *saml\n  id: b\n"
	d, err := ParseDex(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Connectors) != 2 || d.Connectors[1].ID.Value != "b" || d.Connectors[1].SAML.SSOURL.Value != "https://s" {
		t.Errorf("connectors %+v", d.Connectors)
	}
}

func TestSelfContainingAliases(t *testing.T) {
	for _, in := range []string{
		"x: &a {config: *a}\nconnectors: [*a]\n",
		"x: &a {<<: *a, id: b}\nconnectors: [*a]\n",
	} {
		if _, err := ParseDex(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	w := ParseWorkflows(map[string]string{"sso": "x: &a {<<: *a}\n<<: *a\n"})
	if len(w.Problems) == 0 {
		t.Errorf("self-merging sso: no problem")
	}
}
