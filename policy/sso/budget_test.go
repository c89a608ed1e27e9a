package sso

import (
	"runtime"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// treeCounts counts the nodes and the nesting of the tree yaml.v3 builds
// for the first document of text, without limits.
func treeCounts(t *testing.T, text string) (nodes, depth int, ok bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 {
		return 0, 0, false
	}
	var walk func(n *yaml.Node, d int)
	walk = func(n *yaml.Node, d int) {
		nodes++
		depth = max(depth, d)
		for _, c := range n.Content {
			walk(c, d+1)
		}
	}
	walk(doc.Content[0], 1)
	return nodes, depth, true
}

// hostileShapes are values of about 900 KB whose trees pass the node
// budget many times over, each written the way an attacker could evade a
// naive count.
func hostileShapes() map[string]string {
	const n = 300_000
	return map[string]string{
		"flow list":               "connectors: [" + strings.Repeat("a,", n) + "a]\n",
		"flow list of quotes":     "connectors: ['a'," + strings.Repeat(`"a",`, n/2) + "]\n",
		"flow map":                "connectors: {" + strings.Repeat("a: b,", n/2) + "}\n",
		"nested empty lists":      "connectors: [" + strings.Repeat("[],", n/2) + "]\n",
		"anchored flow list":      "x: &a !!seq [" + strings.Repeat("a,", n) + "]\n",
		"multi-line flow list":    "connectors: [\n" + strings.Repeat("  a,\n", n/2) + "]\n",
		"block list":              "connectors:\n" + strings.Repeat("- a\n", n/2),
		"block map":               strings.Repeat("k: v\n", n/2),
		"deep in a connector":     "connectors:\n- type: saml\n  id: s\n  config:\n    ssoURL: x\n    groupsAttr: [" + strings.Repeat("a,", n) + "]\n",
		"after a block scalar":    "logger: |\n  x: [a, b]\nconnectors: [" + strings.Repeat("a,", n) + "]\n",
		"after a plain scalar":    "- key: v\n   more\n- [" + strings.Repeat("a,", n) + "]\n",
		"after a multi-line text": "a: \"x\n  y\"\nb: [" + strings.Repeat("a,", n) + "]\n",
		"root flow list":          "[" + strings.Repeat("a,", n) + "]",
		"crlf lines":              "connectors:\r\n" + strings.Repeat("- a\r\n", n/2),
		"comment in flow":         "connectors: [ # ]\n" + strings.Repeat("a,", n) + "]\n",
	}
}

// TestBudgetBeforeTree: a value whose tree is over the node budget is
// refused from its text, at a small fraction of what building the tree
// costs (each of these costs tens of MiB as a tree).
func TestBudgetBeforeTree(t *testing.T) {
	for name, in := range hostileShapes() {
		t.Run(name, func(t *testing.T) {
			if n, _, ok := treeCounts(t, in); !ok || n <= MaxNodes {
				t.Fatalf("test input: the tree has %d nodes (parsed: %v), want more than %d", n, ok, MaxNodes)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := ParseDex(in)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "more than 100000 YAML nodes") {
				t.Fatalf("ParseDex: %v, want the node budget", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
				t.Errorf("refusing allocated %d KiB: the tree was built before the budget was checked", alloc>>10)
			}
		})
	}
}

// TestBudgetNeverRefusesWhatTheTreeAllows: values that look like
// structure but are text (block scalars, continued plain scalars, quoted
// scalars, comments, a second document) are not counted.
func TestBudgetNeverRefusesWhatTheTreeAllows(t *testing.T) {
	many := strings.Repeat("a, ", 120_000)
	for name, in := range map[string]string{
		"block scalar":          "a: |\n  [" + many + "]\n",
		"block scalar in list":  "- key: >-\n   - [" + many + "]\n",
		"plain continuation":    "a: text\n  - [" + many + "]\n",
		"quoted":                "a: '[" + many + "]'\n",
		"double quoted lines":   "a: \"[\n" + many + "]\"\n",
		"comment":               "a: 1 # [" + many + "]\n",
		"quote inside plain":    "a: [it's, " + strings.Repeat("b, ", 10) + "]\nb: \"[" + many + "]\"\n",
		"second document":       "a: 1\n---\n[" + many + "]\n",
		"plain with commas":     "a: " + many + "\n",
		"tagged quoted in flow": "a: [!!str '" + many + "']\n",
	} {
		t.Run(name, func(t *testing.T) {
			n, d, ok := treeCounts(t, in)
			if !ok {
				t.Fatalf("test input does not parse")
			}
			b := lowerBounds(in)
			if b.nodes > n || b.depth > d {
				t.Errorf("bounds %d nodes, depth %d; the tree has %d, depth %d", b.nodes, b.depth, n, d)
			}
			if err := CheckBudget(in); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

// FuzzBudgetBounds: for every text yaml.v3 parses, the scan's counts are
// at most the tree's, so the early check refuses nothing the exact one
// allows.
func FuzzBudgetBounds(f *testing.F) {
	for _, s := range []string{guideDex, guideSSO, billionLaughs(), "a: [b, {c: d}, 'e,f', \"g\\\",h\"]\n",
		"- key: |\n  other: [x, y]\n", "- key: v\n   more, [a, b]\n", "a:\n  |\n  [x, y]\n", "[a, [b, c], {d: e}]",
		"? [a, b]\n: c\n", "a: &x [1, 2]\nb: *x\n", "a: 'it''s, [x]'\n", "--- [a, b]\n...\n[c, d]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 4096 {
			return
		}
		n, d, ok := treeCounts(t, in)
		if !ok {
			return
		}
		if b := lowerBounds(in); b.nodes > n || b.depth > d {
			t.Fatalf("bounds %d nodes, depth %d; the tree has %d nodes, depth %d", b.nodes, b.depth, n, d)
		}
	})
}
