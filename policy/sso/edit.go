package sso

import (
	"bytes"
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// Addition is one field a default adds: a string, or a list of strings.
type Addition struct {
	Key   string
	Value string
	List  []string
}

// ErrNotEditable says a default cannot be added without touching something
// the user wrote (an alias or merge key on the way, or a path that is
// not a plain map).
var ErrNotEditable = errors.New("the YAML cannot be edited safely here")

// AddFields returns text with the additions appended to the map at path
// (map keys as strings, list indexes as ints; an empty path is the root).
// Keys already present (in any letter case) are left alone, so the user's
// values always win and applying the same additions again changes nothing.
// Comments and the user's content are kept; indentation is re-rendered
// with two spaces.
func AddFields(text string, path []any, adds []Addition) (string, error) {
	if len(text) > MaxValueBytes {
		return "", ErrNotEditable
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return "", yamlProblem(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return "", ErrNotEditable
	}
	n := doc.Content[0]
	for _, step := range path {
		switch s := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return "", ErrNotEditable
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "<<" {
					return "", ErrNotEditable
				}
				if n.Content[i].Value == s {
					next = n.Content[i+1]
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || s < 0 || s >= len(n.Content) {
				return "", ErrNotEditable
			}
			n = n.Content[s]
		default:
			return "", fmt.Errorf("bad path element %v", step)
		}
		if n == nil || n.Kind == yaml.AliasNode || n.Anchor != "" {
			return "", ErrNotEditable
		}
	}
	if n.Kind != yaml.MappingNode {
		return "", ErrNotEditable
	}
	changed := false
	for _, a := range adds {
		if hasKeyFold(n, a.Key) {
			continue
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: a.Key}
		var val *yaml.Node
		if a.List != nil {
			val = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for _, v := range a.List {
				val.Content = append(val.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
			}
		} else {
			val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: a.Value}
		}
		n.Content = append(n.Content, key, val)
		changed = true
	}
	if !changed {
		return text, nil
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func hasKeyFold(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if equalFold(m.Content[i].Value, key) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }
