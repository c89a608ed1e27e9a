package main

// Reading a policy file: the argocd-rbac-cm of a manifest file (any
// document, any List) or a bare CSV policy, as `argocd admin settings
// rbac` accepts.

import (
	"fmt"
	"os"
	"strings"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

// policyFile is one loaded --policy-file.
type policyFile struct {
	path  string
	isCSV bool
	obj   *policy.Object
}

// loadPolicyFile reads path: the argocd-rbac-cm of a manifest file, or a
// bare CSV policy. names are the settings' ConfigMap names.
func loadPolicyFile(path string, names *settings.Settings) (*policyFile, error) {
	if path == "" {
		return nil, usageErr("--policy-file is required")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return parsePolicyFile(path, raw, names)
}

// parsePolicyFile finds argocd-rbac-cm in raw, in any document or List, or
// reads raw as a CSV policy when it holds no Kubernetes object. A manifest
// without argocd-rbac-cm is an error: reading another ConfigMap (or none)
// would report a policy that was never read as valid.
func parsePolicyFile(path string, raw []byte, names *settings.Settings) (*policyFile, error) {
	if names == nil {
		names = settings.Default()
	}
	cms, isManifest, err := manifest.ConfigMaps(path, raw)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if !isManifest {
		return &policyFile{path: path, isCSV: true, obj: &policy.Object{
			Ref:    policy.ObjectRef{Kind: "ConfigMap", Namespace: names.ArgoCD.Namespace, Name: names.ArgoCD.RBACConfigMap},
			Data:   map[string]string{rbac.KeyPolicyCSV: string(raw)},
			Source: &policy.Source{File: path, KeyLines: map[string]int{rbac.KeyPolicyCSV: 1}},
		}}, nil
	}
	cm, err := pickRBACConfigMap(path, cms, names)
	if err != nil {
		return nil, err
	}
	if cm.Ref.Name == "" {
		cm.Ref.Name = names.ArgoCD.RBACConfigMap
	}
	return &policyFile{path: path, obj: cm}, nil
}

// pickRBACConfigMap returns the ConfigMap named argocd-rbac-cm (the
// settings' name). Without one, a file whose only ConfigMap holds policy
// keys and is not one of the other guarded ConfigMaps is read as
// `argocd admin settings rbac` would (it ignores the name).
func pickRBACConfigMap(path string, cms []*policy.Object, names *settings.Settings) (*policy.Object, error) {
	want := names.ArgoCD.RBACConfigMap
	var named []*policy.Object
	for _, c := range cms {
		if c.Ref.Name == want {
			named = append(named, c)
		}
	}
	switch {
	case len(named) == 1:
		return named[0], nil
	case len(named) > 1:
		return nil, usageErr("%s holds %d ConfigMaps named %s (%s): keep one per file", path, len(named), want, describeConfigMaps(named))
	}
	if len(cms) == 1 {
		c := cms[0]
		other := c.Ref.Name == names.ArgoCD.ConfigMap || c.Ref.Name == names.Workflows.ConfigMap
		if !other && hasPolicyKeys(c.Data) {
			return c, nil
		}
	}
	msg := fmt.Sprintf("%s holds no ConfigMap %s", path, want)
	if len(cms) == 0 {
		msg += " (and no other ConfigMap)"
	} else {
		msg += "; found only " + describeConfigMaps(cms)
	}
	for _, c := range cms {
		if c.Ref.Name == names.ArgoCD.ConfigMap && hasPolicyKeys(c.Data) {
			msg += fmt.Sprintf("\n  %s holds RBAC keys, which Argo CD ignores there: move them to %s", c.Ref.Name, want)
		}
	}
	return nil, usageErr("%s", msg)
}

func describeConfigMaps(cms []*policy.Object) string {
	parts := make([]string, 0, len(cms))
	for _, c := range cms {
		name := c.Ref.Name
		if c.Ref.Namespace != "" {
			name = c.Ref.Namespace + "/" + name
		}
		parts = append(parts, fmt.Sprintf("ConfigMap %s (line %d)", name, c.Source.Line))
	}
	return strings.Join(parts, ", ")
}

// hasPolicyKeys reports whether data has a key argocd-rbac-cm is read for.
func hasPolicyKeys(data map[string]string) bool {
	for k := range data {
		if k == rbac.KeyDefault || k == rbac.KeyMatchMode || k == rbac.KeyScopes ||
			(strings.HasPrefix(k, "policy.") && strings.HasSuffix(k, ".csv")) {
			return true
		}
	}
	return false
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
