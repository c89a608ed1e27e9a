package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/policy"
)

// ConfigMaps returns every ConfigMap of one input, whatever its name and
// wherever it is: any document of a multi-document file, the items of a
// `kind: List` (nested at most twice), JSON. Each remembers its file line
// and the file line of each data key. A document without a kind but with
// a data map counts as a ConfigMap too (argocd admin settings rbac reads
// such files). isManifest says whether the input holds Kubernetes objects
// at all: when false, the caller may read it as something else (a bare
// CSV policy), and err is nil.
func ConfigMaps(file string, data []byte) (cms []*policy.Object, isManifest bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			cms, isManifest, err = nil, true, &Error{File: file, Msg: fmt.Sprintf("cannot read the YAML: %v", v)}
		}
	}()
	if len(data) > MaxInputBytes {
		return nil, true, &Error{File: file, Msg: fmt.Sprintf("more than %d MiB of input", MaxInputBytes>>20)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if derr := dec.Decode(&doc); derr != nil {
			if errors.Is(derr, io.EOF) {
				return cms, isManifest, nil
			}
			if isManifest || looksLikeManifest(data) {
				return nil, true, yamlError(file, derr)
			}
			return nil, false, nil
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			continue
		}
		if field(root, "kind") == nil && field(root, "data") == nil {
			continue
		}
		isManifest = true
		found, cerr := configMapsIn(file, root, 0)
		if cerr != nil {
			return nil, true, cerr
		}
		cms = append(cms, found...)
	}
}

// manifestLine is a top-level kind: or apiVersion: line.
var manifestLine = regexp.MustCompile(`(?m)^(kind|apiVersion):`)

// looksLikeManifest tells a broken manifest (reported as a YAML error) from
// a CSV policy that is not YAML.
func looksLikeManifest(data []byte) bool { return manifestLine.Match(data) }

func configMapsIn(file string, n *yaml.Node, depth int) ([]*policy.Object, error) {
	if depth > 2 {
		return nil, &Error{File: file, Line: n.Line, Msg: "List nested in List nested in List"}
	}
	if err := checkDepth(n, 0); err != nil {
		err.File = file
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, nil
	}
	h := readHeader(n)
	switch {
	case len(h.kind) >= 4 && h.kind[len(h.kind)-4:] == "List":
		var out []*policy.Object
		if items := field(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, it := range items.Content {
				found, err := configMapsIn(file, it, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, found...)
			}
		}
		return out, nil
	case h.kind != "ConfigMap" && !(h.kind == "" && depth == 0):
		return nil, nil
	}
	data, lines, err := stringMap(file, field(n, "data"), "data")
	if err != nil {
		return nil, err
	}
	return []*policy.Object{{
		Ref:         policy.ObjectRef{Kind: "ConfigMap", Namespace: h.namespace, Name: h.name},
		Labels:      h.labels,
		Annotations: h.annotations,
		Data:        data,
		Source:      &policy.Source{File: file, Line: n.Line, KeyLines: lines},
	}}, nil
}
