package manifest

// Helpers over yaml.v3 nodes: the header that recognises a manifest, and
// the fields and string maps read with their lines.

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// header is the part of a manifest used to recognise it.
type header struct {
	kind, name, namespace string
	labels, annotations   map[string]string
}

func readHeader(n *yaml.Node) header {
	h := header{kind: scalar(field(n, "kind"))}
	if md := field(n, "metadata"); md != nil {
		h.name = scalar(field(md, "name"))
		h.namespace = scalar(field(md, "namespace"))
		h.labels = scalarMap(field(md, "labels"))
		h.annotations = scalarMap(field(md, "annotations"))
	}
	return h
}

// field returns the value of key in a mapping (aliases resolved once).
func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind == yaml.AliasNode {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

// scalarMap reads labels or annotations (nil when absent).
func scalarMap(m *yaml.Node) map[string]string {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		out[m.Content[i].Value] = scalar(m.Content[i+1])
	}
	return out
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// stringMap reads data/stringData: every value must be a string (the API
// server refuses anything else), with the file line of its first line.
func stringMap(file string, m *yaml.Node, what string) (map[string]string, map[string]int, error) {
	out, lines := map[string]string{}, map[string]int{}
	if m == nil || m.Tag == "!!null" {
		return out, lines, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, nil, &Error{File: file, Line: m.Line, Msg: what + " is not a map"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if _, dup := out[k.Value]; dup {
			return nil, nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("%s[%q] is set twice", what, k.Value)}
		}
		if v.Kind != yaml.ScalarNode || (v.Tag != "!!str" && v.Tag != "!!binary") {
			kind := "a map"
			switch {
			case v.Kind == yaml.SequenceNode:
				kind = "a list"
			case v.Tag == "!!bool":
				kind = "a boolean"
			case v.Tag == "!!int" || v.Tag == "!!float":
				kind = "a number"
			case v.Tag == "!!null":
				kind = "null"
			}
			if blockKey, blockLine := openBlockBefore(m, i); blockKey != "" {
				return nil, nil, &Error{File: file, Line: k.Line, Msg: misIndented(what, k.Value, kind, blockKey, blockLine)}
			}
			return nil, nil, &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("%s[%q] is %s; values must be strings (quote it: %q)", what, k.Value, kind, v.Value)}
		}
		line := v.Line
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			line++
		}
		out[k.Value], lines[k.Value] = v.Value, line
	}
	return out, lines, nil
}

// openBlockBefore returns the nearest earlier key of the map m (before the
// pair at index i) whose value is a block scalar with at most blank
// content, and its file line: `dex.config: |` followed by lines indented
// no deeper than the key, so the block ended at once and what was meant
// as its content became keys of their own.
func openBlockBefore(m *yaml.Node, i int) (string, int) {
	for j := i - 2; j >= 0; j -= 2 {
		k, v := m.Content[j], m.Content[j+1]
		if v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			if strings.TrimSpace(v.Value) == "" {
				return k.Value, k.Line
			}
			return "", 0
		}
		if v.Kind == yaml.ScalarNode {
			return "", 0 // a plain value between: not one broken block
		}
	}
	return "", 0
}

// misIndented explains a value that is a map or list because the block
// scalar above it ended at once.
func misIndented(what, key, kind, blockKey string, blockLine int) string {
	return fmt.Sprintf("%s[%q] is %s: %q at line %d is empty because the lines under it are not indented deeper than the key, "+
		"so %q became a key of its own. Indent every line of the %s value two spaces deeper than %q, e.g.\n"+
		"  %s: |\n    %s:\n    ...",
		what, key, kind, blockKey, blockLine, key, blockKey, blockKey+":", blockKey, key)
}
