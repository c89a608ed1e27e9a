package main

// Reading a policy file the way `argocd admin settings rbac` does: a
// ConfigMap YAML (argocd-rbac-cm) or a bare CSV policy.

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/manifest"
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
			Ref: ref, Data: cm.Data, Source: &policy.Source{File: path, KeyLines: manifest.DataKeyLines(raw)},
		}}
	}
	return &policyFile{path: path, isCSV: true, obj: &policy.Object{
		Ref:    policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"},
		Data:   map[string]string{rbac.KeyPolicyCSV: string(raw)},
		Source: &policy.Source{File: path, KeyLines: map[string]int{rbac.KeyPolicyCSV: 1}},
	}}
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
