package main

// Reading a policy file the way `argocd admin settings rbac` does: a
// ConfigMap YAML (argocd-rbac-cm) or a bare CSV policy.

import (
	"fmt"
	"os"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// policyFile is one loaded --policy-file.
type policyFile struct {
	path  string
	isCSV bool
	obj   *policy.Object
}

// loadPolicyFile reads path as a ConfigMap if it is one, else as CSV.
func loadPolicyFile(path string) (*policyFile, error) {
	if path == "" {
		return nil, usageErr("--policy-file is required")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return parsePolicyFile(path, raw), nil
}

// parsePolicyFile reads raw as a ConfigMap if it is one, else as CSV.
func parsePolicyFile(path string, raw []byte) *policyFile {
	var cm struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
		Data map[string]string `json:"data"`
	}
	if err := yaml.Unmarshal(raw, &cm); err == nil && (cm.Kind == "ConfigMap" || cm.Data != nil) {
		ref := policy.ObjectRef{Kind: "ConfigMap", Namespace: cm.Metadata.Namespace, Name: cm.Metadata.Name}
		if ref.Name == "" {
			ref.Name = "argocd-rbac-cm"
		}
		if cm.Data == nil {
			cm.Data = map[string]string{}
		}
		return &policyFile{path: path, obj: &policy.Object{
			Ref: ref, Data: cm.Data, Source: &policy.Source{File: path, KeyLines: dataKeyLines(raw)},
		}}
	}
	return &policyFile{path: path, isCSV: true, obj: &policy.Object{
		Ref:    policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"},
		Data:   map[string]string{rbac.KeyPolicyCSV: string(raw)},
		Source: &policy.Source{File: path, KeyLines: map[string]int{rbac.KeyPolicyCSV: 1}},
	}}
}

// dataKeyLines maps each data key to the file line of its value's first
// line (the line after `key: |` for block scalars).
func dataKeyLines(raw []byte) map[string]int {
	out := map[string]int{}
	var doc yamlv3.Node
	if yamlv3.Unmarshal(raw, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "data" {
			continue
		}
		data := root.Content[i+1]
		for j := 0; j+1 < len(data.Content); j += 2 {
			v := data.Content[j+1]
			line := v.Line
			if v.Style&(yamlv3.LiteralStyle|yamlv3.FoldedStyle) != 0 {
				line++
			}
			out[data.Content[j].Value] = line
		}
	}
	return out
}

// where renders a policy location for messages: the file, and the key and
// line inside the ConfigMap (or just the file line for a CSV file).
func (f *policyFile) where(key string, line int) string {
	if f.isCSV {
		return fmt.Sprintf("%s:%d", f.path, line)
	}
	s := fmt.Sprintf("%s: data[%q] line %d", f.path, key, line)
	if start, ok := f.obj.Source.KeyLines[key]; ok && line > 0 {
		s += fmt.Sprintf(" (file line %d)", start+line-1)
	}
	return s
}

// parse reads the policy; a policy Argo CD would refuse is an exit-2 error
// naming every bad line.
func (f *policyFile) parse() (*rbac.Policy, error) {
	p := rbac.Parse(f.obj.Data)
	if p.Valid() {
		return p, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Argo CD would refuse this policy (%d bad line(s)):", len(p.Errors))
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", f.where(e.Key, e.Line), e.Reason)
	}
	return nil, usageErr("%s", b.String())
}

// lineRef renders a policy line's origin for output.
func (f *policyFile) lineRef(l *rbac.Line) string {
	if l == nil {
		return ""
	}
	if l.Builtin() {
		return l.Where()
	}
	return f.where(l.Key, l.Line)
}
