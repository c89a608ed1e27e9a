package manifest

// Reading a policy file: the argocd-rbac-cm of a manifest file (any
// document, any List) or a bare CSV policy, as `argocd admin settings
// rbac` accepts.

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

// PolicyFile is one loaded policy file.
type PolicyFile struct {
	Path string
	// CSV says the file is a bare CSV policy, not a manifest.
	CSV    bool
	Object *policy.Object
}

// ReadPolicyFile reads path ("-" for stdin): the argocd-rbac-cm of a
// manifest file, or a bare CSV policy. names gives the settings'
// ConfigMap names (nil: the stock ones).
func ReadPolicyFile(path string, stdin io.Reader, names *settings.Settings) (*PolicyFile, error) {
	if path == "" {
		return nil, errors.New("--policy-file is required")
	}
	name, raw, err := ReadInput(path, stdin)
	if err != nil {
		return nil, err
	}
	return ParsePolicyFile(name, raw, names)
}

// ParsePolicyFile finds argocd-rbac-cm in raw, in any document or List, or
// reads raw as a CSV policy when it holds no Kubernetes object. A manifest
// without argocd-rbac-cm is an error: reading another ConfigMap (or none)
// would report a policy that was never read as valid.
func ParsePolicyFile(path string, raw []byte, names *settings.Settings) (*PolicyFile, error) {
	if names == nil {
		names = settings.Default()
	}
	cms, isManifest, err := ConfigMaps(path, raw)
	if err != nil {
		return nil, err
	}
	if !isManifest {
		return &PolicyFile{Path: path, CSV: true, Object: &policy.Object{
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
	return &PolicyFile{Path: path, Object: cm}, nil
}

// PolicyObject wraps an argocd-rbac-cm read elsewhere (a live cluster) so
// that it is rendered like a file's.
func PolicyObject(obj *policy.Object) *PolicyFile {
	path := obj.Ref.String()
	if obj.Source != nil && obj.Source.File != "" {
		path = obj.Source.File
	}
	return &PolicyFile{Path: path, Object: obj}
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
		return nil, fmt.Errorf("%s holds %d ConfigMaps named %s (%s): keep one per file", path, len(named), want, describeConfigMaps(named))
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
	return nil, errors.New(msg)
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

// Where renders a policy location for messages: the file, and the key and
// line inside the ConfigMap (or just the file line for a CSV file).
func (f *PolicyFile) Where(key string, line int) string {
	if f.CSV {
		return fmt.Sprintf("%s:%d", f.Path, line)
	}
	s := fmt.Sprintf("%s: data[%q] line %d", f.Path, key, line)
	if f.Object.Source == nil {
		return s
	}
	if start, ok := f.Object.Source.KeyLines[key]; ok && line > 0 {
		s += fmt.Sprintf(" (file line %d)", start+line-1)
	}
	return s
}

// FindingWhere renders a finding's location in the file.
func (f *PolicyFile) FindingWhere(l policy.Location) string {
	if l.Key == "" {
		return f.Path
	}
	if l.Line == 0 {
		return fmt.Sprintf("%s: data[%q]", f.Path, l.Key)
	}
	return f.Where(l.Key, l.Line)
}

// LineRef renders a policy line's origin for output.
func (f *PolicyFile) LineRef(l *rbac.Line) string {
	if l == nil {
		return ""
	}
	if l.Builtin() {
		return l.Where()
	}
	return f.Where(l.Key, l.Line)
}

// Parse reads the policy; a policy Argo CD would refuse is an error naming
// every bad line.
func (f *PolicyFile) Parse() (*rbac.Policy, error) {
	p := rbac.Parse(f.Object.Data)
	if p.Valid() {
		return p, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Argo CD would refuse this policy (%d bad line(s)):", len(p.Errors))
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", f.Where(e.Key, e.Line), e.Reason)
	}
	return nil, errors.New(b.String())
}
