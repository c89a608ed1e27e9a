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

// Edit is a set of additions to the map at Path (map keys as strings,
// list indexes as ints; an empty path is the root).
type Edit struct {
	Path []any
	Adds []Addition
}

// ApplyEdits appends additions to several maps of one document, parsed
// and rendered once. Keys already present (in any letter case) are left
// alone, so the user's values always win and applying the same additions
// again changes nothing; comments and the user's content are kept, and
// indentation is re-rendered with two spaces. added[i][j] says whether
// edits[i].Adds[j] was added; an edit whose path cannot be edited safely
// is skipped (added[i] is nil).
// The error is for a document that cannot be read or written at all.
func ApplyEdits(text string, edits []Edit) (string, [][]bool, error) {
	added := make([][]bool, len(edits))
	if len(text) > MaxValueBytes {
		return "", added, ErrNotEditable
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return "", added, yamlProblem(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return "", added, ErrNotEditable
	}
	changed := false
	for i, e := range edits {
		n, err := mapAt(doc.Content[0], e.Path)
		if err != nil {
			continue
		}
		added[i] = make([]bool, len(e.Adds))
		for j, a := range e.Adds {
			if hasKeyFold(n, a.Key) {
				continue
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: a.Key}, valueNode(a))
			added[i][j], changed = true, true
		}
	}
	if !changed {
		return text, added, nil
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", added, err
	}
	if err := enc.Close(); err != nil {
		return "", added, err
	}
	return b.String(), added, nil
}

// mapAt walks path from n to a plain map: no alias, anchor or merge key on
// the way (editing through them would change what the user wrote
// elsewhere).
func mapAt(n *yaml.Node, path []any) (*yaml.Node, error) {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil, ErrNotEditable
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "<<" {
					return nil, ErrNotEditable
				}
				if n.Content[i].Value == s {
					next = n.Content[i+1]
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || s < 0 || s >= len(n.Content) {
				return nil, ErrNotEditable
			}
			n = n.Content[s]
		default:
			return nil, fmt.Errorf("bad path element %v", step)
		}
		if n == nil || n.Kind == yaml.AliasNode || n.Anchor != "" {
			return nil, ErrNotEditable
		}
	}
	if n.Kind != yaml.MappingNode {
		return nil, ErrNotEditable
	}
	return n, nil
}

func valueNode(a Addition) *yaml.Node {
	if a.List == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: a.Value}
	}
	val := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, v := range a.List {
		val.Content = append(val.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
	}
	return val
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
