package report

// `argoguard check --apply-defaults` prints the guarded ConfigMaps as the
// mutating webhook would store them, with the argoguard.io/defaulted
// annotation, and says on stderr what was filled in and why.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/policy"
)

// WriteDefaulted prints snap's guarded ConfigMaps as manifests with the
// applied patches recorded in the defaulted annotation, and on log what was
// filled in and why.
func WriteDefaulted(stdout, log io.Writer, snap *policy.Snapshot, applied []policy.Patch) error {
	byObj := map[policy.ObjectRef][]policy.Patch{}
	for _, p := range applied {
		byObj[p.Object] = append(byObj[p.Object], p)
		fmt.Fprintf(log, "default: %s data[%q] %s\n", p.Object, p.Key, p.Reason)
	}
	if len(applied) == 0 {
		fmt.Fprintln(log, "default: nothing to fill in")
	}
	enc := yaml.NewEncoder(stdout)
	enc.SetIndent(2)
	for _, o := range snap.Objects() {
		if err := enc.Encode(configMapNode(o, byObj[o.Ref])); err != nil {
			return err
		}
	}
	return enc.Close()
}

// configMapNode renders obj as a ConfigMap manifest; multi-line values as
// literal blocks so dex.config and sso stay readable.
func configMapNode(o *policy.Object, patches []policy.Patch) *yaml.Node {
	ann := o.Defaulted(patches)
	meta := mapNode()
	addPair(meta, "name", strNode(o.Ref.Name))
	addPair(meta, "namespace", strNode(o.Ref.Namespace))
	if len(o.Labels) > 0 {
		addPair(meta, "labels", sortedMap(o.Labels))
	}
	if len(ann) > 0 {
		addPair(meta, "annotations", sortedMap(ann))
	}
	root := mapNode()
	addPair(root, "apiVersion", strNode("v1"))
	addPair(root, "kind", strNode("ConfigMap"))
	addPair(root, "metadata", meta)
	addPair(root, "data", sortedMap(o.Data))
	return root
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func strNode(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if strings.Contains(v, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func addPair(m *yaml.Node, k string, v *yaml.Node) {
	m.Content = append(m.Content, strNode(k), v)
}

func sortedMap(kv map[string]string) *yaml.Node {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := mapNode()
	for _, k := range keys {
		addPair(m, k, strNode(kv[k]))
	}
	return m
}
