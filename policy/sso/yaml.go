// Package sso reads the SSO settings argoguard guards into typed values that
// remember where they were written: argocd-cm (url, dex.config, oidc.config,
// local accounts), Dex's dex.config (connectors, the SAML connector, static
// clients, logger, secret references) and Argo Workflows' `sso` config.
//
// It is pure (no I/O). Every value carries the line inside its ConfigMap key
// and a YAML path ("connectors[0].config.ssoURL"), so findings can point at
// it. Hostile input (alias bombs, huge values, deep nesting) is refused with
// an error, never a panic or a hang.
package sso

import (
	"errors"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Limits on one YAML value. A ConfigMap holds at most 1 MiB, so a larger
// value cannot come from the cluster; the depth and node limits are far
// above any real dex.config or sso (tens of nodes, depth < 10).
const (
	MaxValueBytes = 1 << 20
	MaxDepth      = 64
	MaxNodes      = 100_000
)

// Problem is a parse error with its place inside the value.
type Problem struct {
	Path string // YAML path, "" for the whole value
	Line int    // 1-based line inside the value; 0 when unknown
	Msg  string
}

func (p Problem) Error() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Str is one scalar as written, with its place.
type Str struct {
	Value string
	Set   bool   // the key is present
	Tag   string // YAML tag of the value: !!str, !!bool, !!int, !!null, !!map, !!seq
	Line  int    // line of the value inside the ConfigMap key
	Path  string // YAML path
	// KeyLine is the line of the key (for a missing value: of the parent).
	KeyLine int
}

// parseValue parses one YAML value into its root node, within the limits:
// the budgets are checked on the text first (budget.go), then exactly on
// the tree. An empty value gives a nil node and no error.
func parseValue(text string) (*yaml.Node, error) {
	if err := CheckBudget(text); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, yamlProblem(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	nodes := 0
	if err := checkShape(root, 1, &nodes); err != nil {
		return nil, err
	}
	return root, nil
}

// checkShape refuses too deep or too large trees. Aliases are not followed
// here (their targets are counted where they are defined); walk budgets
// bound what following them later can cost.
func checkShape(n *yaml.Node, depth int, nodes *int) error {
	*nodes++
	if *nodes > MaxNodes {
		return Problem{Line: n.Line, Msg: fmt.Sprintf("more than %d YAML nodes", MaxNodes)}
	}
	if depth > MaxDepth {
		return Problem{Line: n.Line, Msg: fmt.Sprintf("nested more than %d levels deep", MaxDepth)}
	}
	for _, c := range n.Content {
		if err := checkShape(c, depth+1, nodes); err != nil {
			return err
		}
	}
	return nil
}

// yamlProblem turns a yaml.v3 error ("yaml: line 3: mapping values are not
// allowed in this context") into a Problem with the line.
func yamlProblem(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return Problem{Msg: strings.Join(te.Errors, "; ")}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		if i := strings.Index(msg, ":"); i >= 0 {
			msg = strings.TrimSpace(msg[i+1:])
		}
	}
	return Problem{Line: line, Msg: "not valid YAML: " + msg}
}

// walker follows aliases with a budget, so a small document whose aliases
// expand exponentially (a "billion laughs") costs at most MaxNodes steps.
type walker struct {
	budget int
	err    error
}

func newWalker() *walker { return &walker{budget: MaxNodes} }

// resolve follows an alias to its target and charges one step.
func (w *walker) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < MaxDepth; i++ {
		n = n.Alias
	}
	w.budget--
	if w.budget < 0 && w.err == nil {
		line := 0
		if n != nil {
			line = n.Line
		}
		w.err = Problem{Line: line, Msg: "aliases expand to more than " + fmt.Sprint(MaxNodes) + " YAML nodes"}
	}
	if w.err != nil {
		return nil
	}
	return n
}

// pair is one key/value of a mapping, aliases resolved.
type pair struct {
	Key   string
	KeyN  *yaml.Node
	Value *yaml.Node
}

// pairs returns a mapping's entries in order, resolving aliases and
// expanding merge keys (<<) the way YAML decoders do.
func (w *walker) pairs(m *yaml.Node) []pair { return w.pairsDepth(m, 0) }

func (w *walker) pairsDepth(m *yaml.Node, depth int) []pair {
	if depth > MaxDepth {
		if w.err == nil {
			w.err = Problem{Line: m.Line, Msg: "merge keys (<<) nested more than " + fmt.Sprint(MaxDepth) + " levels deep"}
		}
		return nil
	}
	m = w.resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], w.resolve(m.Content[i+1])
		if v == nil {
			return out
		}
		if k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0 && k.Tag != "!!str") {
			merged := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, mv := range merged {
				out = append(out, w.pairsDepth(mv, depth+1)...)
			}
			continue
		}
		out = append(out, pair{Key: k.Value, KeyN: k, Value: v})
	}
	return out
}

// items returns a sequence's items, aliases resolved.
func (w *walker) items(s *yaml.Node) []*yaml.Node {
	s = w.resolve(s)
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(s.Content))
	for _, c := range s.Content {
		if r := w.resolve(c); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// kindName names a node's kind for messages ("a list", "a string").
func kindName(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!bool":
		return "a boolean"
	case "!!int", "!!float":
		return "a number"
	case "!!null":
		return "null"
	}
	return "a string"
}

// tagOf returns the tag used by Str.Tag.
func tagOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "!!map"
	case yaml.SequenceNode:
		return "!!seq"
	}
	if n.Tag == "" {
		return "!!str"
	}
	return n.Tag
}

// str makes a Str from a value node.
func str(path string, k, v *yaml.Node) Str {
	s := Str{Set: true, Path: path, Tag: tagOf(v), Line: v.Line}
	if k != nil {
		s.KeyLine = k.Line
	}
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		s.Value = v.Value
	}
	return s
}

// join appends a key to a YAML path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a YAML path.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
