package sso

import (
	"strings"
	"testing"
)

// FuzzParseDex: any input parses or is refused with an error, never a panic
// or hang; every position found lies inside the input.
func FuzzParseDex(f *testing.F) {
	for _, s := range []string{guideDex, billionLaughs(), "", "connectors: [\n", "connectors:\n- *x\n",
		"x: &a {config: *a}\nconnectors: [*a]\n", "staticClients: [{id: a, redirectURIs: [1, {a: b}]}]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseDex(in)
		if err != nil {
			return
		}
		lines := strings.Count(in, "\n") + 1
		for _, c := range d.Connectors {
			for _, fld := range c.Config {
				if fld.Value.Line < 0 || fld.Value.Line > lines {
					t.Fatalf("line %d outside input of %d lines", fld.Value.Line, lines)
				}
			}
		}
		for _, r := range d.Refs {
			if !strings.HasPrefix(r.Raw, "$") || r.Key == "" {
				t.Fatalf("bad ref %+v", r)
			}
		}
	})
}

// FuzzParseWorkflows: never a panic; a problem always says why.
func FuzzParseWorkflows(f *testing.F) {
	for _, s := range []string{guideSSO, "scopes: groups\n", "rbac: true\n", "issuer: a\nissuer: b\n",
		"filterGroupsRegex: ['(']\n", "clientId: {name: [a]}\n", billionLaughs()} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, asConfig bool) {
		data := map[string]string{"sso": in}
		if asConfig {
			data = map[string]string{"config": "sso:\n" + indent(in)}
		}
		w := ParseWorkflows(data)
		for _, p := range w.Problems {
			if p.Msg == "" || p.Kind == "" {
				t.Fatalf("problem without message or kind: %+v", p)
			}
		}
	})
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// FuzzParseOIDC: any oidc.config parses or is refused with an error, never
// a panic or hang; every key found lies inside the input.
func FuzzParseOIDC(f *testing.F) {
	for _, s := range []string{"name: Okta\nissuer: https://x\nclientSecret: $oidc.secret\nazure: {useWorkloadIdentity: true}\n",
		"- a\n", "", "azure: [1]\n", "a: &a {azure: *a}\nazure: *a\n", billionLaughs(), "clientID: [\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ParseOIDC(in)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("error without message")
			}
			return
		}
		lines := strings.Count(in, "\n") + 1
		for _, fld := range append(append([]Field(nil), o.Fields...), o.Azure...) {
			if fld.KeyLine < 1 || fld.KeyLine > lines {
				t.Fatalf("key %q at line %d of a %d-line input", fld.Key, fld.KeyLine, lines)
			}
		}
	})
}
