package manifest

import (
	"go.yaml.in/yaml/v3"
)

// DataKeyLines returns, for the first YAML document of raw (one ConfigMap
// or Secret), the file line of each data key's first value line: the line
// after `key: |` for a block scalar. It is for callers that read one object
// themselves (argoguard rbac --policy-file) and want findings at file
// lines; keys it cannot place are left out.
func DataKeyLines(raw []byte) map[string]int {
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) != nil || len(doc.Content) == 0 {
		return map[string]int{}
	}
	_, lines, err := stringMap("", field(doc.Content[0], "data"), "data")
	if err != nil {
		return map[string]int{}
	}
	return lines
}
