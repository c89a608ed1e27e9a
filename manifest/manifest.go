// Package manifest reads Kubernetes manifests (files, directories,
// multi-document YAML, JSON, `kind: List`, stdin) and keeps the objects
// argoguard judges: the guarded ConfigMaps, found by name and namespace
// from the settings, the Secrets they reference, the AppProjects of Argo
// CD's namespace and the rbac-rule ServiceAccounts of the Workflows
// namespace with their token Secrets (by name). Everything else is
// ignored. Each object remembers its file and the file line of every data
// key, so findings can point at file lines.
package manifest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

// MaxInputBytes bounds one file or stdin. A rendered kustomization of a
// whole cluster is a few MiB; the limit keeps a runaway pipe from eating
// memory.
const MaxInputBytes = 64 << 20

// maxDocDepth bounds nesting inside one manifest (real ones are < 20 deep).
const maxDocDepth = 100

// Set is what was read: the guarded ConfigMaps and candidate Secrets.
type Set struct {
	ArgoCDCM, RBACCM, WorkflowsCM *policy.Object
	// Secrets are the Secrets the ConfigMaps reference (in any namespace,
	// so a Secret in the wrong namespace can be named in a finding).
	Secrets []*policy.Object
	// Projects are the AppProjects of Argo CD's namespace.
	Projects []*policy.Object
	// ServiceAccounts are the rbac-rule ServiceAccounts of the Workflows
	// namespace; TokenSecrets the token Secrets they name (no data).
	ServiceAccounts, TokenSecrets []*policy.Object
	// SecretFiles counts every Secret manifest read, referenced or not.
	SecretFiles int
	// Ignored counts the other objects.
	Ignored int
	// Notes name near misses worth telling the user: a ConfigMap with a
	// guarded name in another namespace than the settings say.
	Notes []string
}

// Empty says nothing argoguard judges was read.
func (s *Set) Empty() bool {
	return len(s.Objects()) == 0 && len(s.Projects) == 0 && len(s.ServiceAccounts) == 0
}

// Objects returns the guarded ConfigMaps present, in a fixed order.
func (s *Set) Objects() []*policy.Object {
	var out []*policy.Object
	for _, o := range []*policy.Object{s.ArgoCDCM, s.RBACCM, s.WorkflowsCM} {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

// Error is unusable input, with the file and line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Loader reads inputs into a Set.
type Loader struct {
	Settings *settings.Settings
	// Stdin is read for the path "-".
	Stdin io.Reader

	set     Set
	seen    map[policy.ObjectRef]string
	secrets []*policy.Object
	tokens  []*policy.Object
}

// Load reads every path (file, directory, or "-") with the settings'
// object names.
func Load(set *settings.Settings, stdin io.Reader, paths ...string) (*Set, error) {
	l := &Loader{Settings: set, Stdin: stdin}
	for _, p := range paths {
		if err := l.Add(p); err != nil {
			return nil, err
		}
	}
	return l.Result(), nil
}

// Add reads one path.
func (l *Loader) Add(path string) error {
	if path == "-" {
		return l.addFile(path)
	}
	info, err := os.Stat(path)
	if err != nil {
		return &Error{File: path, Msg: causeOf(err)}
	}
	if !info.IsDir() {
		return l.addFile(path)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != path && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && isManifestName(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return &Error{File: path, Msg: err.Error()}
	}
	sort.Strings(files)
	for _, f := range files {
		if err := l.addFile(f); err != nil {
			return err
		}
	}
	return nil
}

func isManifestName(n string) bool {
	switch strings.ToLower(filepath.Ext(n)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func (l *Loader) addFile(path string) error {
	name, data, err := ReadInput(path, l.Stdin)
	if err != nil {
		return err
	}
	return l.Parse(name, data)
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	if len(data) > MaxInputBytes {
		return nil, &Error{File: name, Msg: fmt.Sprintf("more than %d MiB of input", MaxInputBytes>>20)}
	}
	return data, nil
}

// Parse reads the documents of one input.
func (l *Loader) Parse(name string, data []byte) (err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input in the past; turn any
		// panic into an input error rather than lose the run.
		if v := recover(); v != nil {
			err = &Error{File: name, Msg: fmt.Sprintf("cannot read the YAML: %v", v)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return yamlError(name, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		if err := l.addNode(name, doc.Content[0], 0); err != nil {
			return err
		}
	}
}

func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		if i := strings.Index(msg, ":"); i >= 0 {
			msg = strings.TrimSpace(msg[i+1:])
		}
	}
	return &Error{File: name, Line: line, Msg: "not valid YAML: " + msg}
}

// header is the part of a manifest used to recognise it.
type header struct {
	kind, name, namespace string
	labels, annotations   map[string]string
}

func (l *Loader) addNode(file string, n *yaml.Node, depth int) error {
	if depth > 2 {
		return &Error{File: file, Line: n.Line, Msg: "List nested in List nested in List"}
	}
	if err := checkDepth(n, 0); err != nil {
		err.File = file
		return err
	}
	if n.Kind != yaml.MappingNode {
		l.set.Ignored++
		return nil
	}
	h := readHeader(n)
	switch {
	case strings.HasSuffix(h.kind, "List"):
		if items := field(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, it := range items.Content {
				if err := l.addNode(file, it, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	case h.kind == "ConfigMap":
		return l.addConfigMap(file, n, h)
	case h.kind == "Secret" && scalar(field(n, "type")) == SecretTypeServiceAccountToken:
		return l.addTokenSecret(file, n, h)
	case h.kind == "Secret":
		return l.addSecret(file, n, h)
	case h.kind == policy.KindAppProject:
		return l.addAppProject(file, n, h)
	case h.kind == policy.KindServiceAccount:
		return l.addServiceAccount(file, n, h)
	}
	l.set.Ignored++
	return nil
}

// checkDepth refuses too deep documents and duplicate keys: two
// `metadata:` or `data:` in one document (often two files concatenated
// without ---) would otherwise hide an object.
func checkDepth(n *yaml.Node, d int) *Error {
	if d > maxDocDepth {
		return &Error{Line: n.Line, Msg: fmt.Sprintf("nested more than %d levels deep", maxDocDepth)}
	}
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			if seen[k.Value] {
				return &Error{Line: k.Line, Msg: fmt.Sprintf("key %q appears twice in one mapping (two documents without --- between them?)", k.Value)}
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if err := checkDepth(c, d+1); err != nil {
			return err
		}
	}
	return nil
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

// guarded says which guarded ConfigMap h is; an empty namespace (common in
// kustomize bases) counts as the expected one.
func (l *Loader) guarded(h header) (**policy.Object, string) {
	set := l.Settings
	match := func(ns, name string) bool {
		return h.name == name && (h.namespace == "" || h.namespace == ns)
	}
	switch {
	case match(set.ArgoCD.Namespace, set.ArgoCD.ConfigMap):
		return &l.set.ArgoCDCM, set.ArgoCD.Namespace
	case match(set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap):
		return &l.set.RBACCM, set.ArgoCD.Namespace
	case match(set.Workflows.Namespace, set.Workflows.ConfigMap):
		return &l.set.WorkflowsCM, set.Workflows.Namespace
	}
	return nil, ""
}

func (l *Loader) guardedName(name string) bool {
	set := l.Settings
	return name == set.ArgoCD.ConfigMap || name == set.ArgoCD.RBACConfigMap || name == set.Workflows.ConfigMap
}

func (l *Loader) addConfigMap(file string, n *yaml.Node, h header) error {
	slot, ns := l.guarded(h)
	if slot == nil {
		l.set.Ignored++
		if l.guardedName(h.name) {
			l.set.Notes = append(l.set.Notes, fmt.Sprintf("%s:%d: ConfigMap %s/%s ignored: the settings expect it in another namespace",
				file, n.Line, h.namespace, h.name))
		}
		return nil
	}
	obj, err := l.object(file, n, h, ns)
	if err != nil {
		return err
	}
	data, lines, err := stringMap(file, field(n, "data"), "data")
	if err != nil {
		return err
	}
	obj.Data, obj.Source.KeyLines = data, lines
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	*slot = obj
	return nil
}

func (l *Loader) addSecret(file string, n *yaml.Node, h header) error {
	l.set.SecretFiles++
	ns := h.namespace
	if ns == "" {
		ns = l.Settings.ArgoCD.Namespace
	}
	obj, err := l.object(file, n, h, ns)
	if err != nil {
		return err
	}
	obj.Data = map[string]string{}
	obj.Source.KeyLines = map[string]int{}
	encoded, encLines, err := stringMap(file, field(n, "data"), "data")
	if err != nil {
		return err
	}
	for k, v := range encoded {
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
		if err != nil {
			// Never echo the value: it is a secret.
			return &Error{File: file, Line: encLines[k], Msg: fmt.Sprintf("Secret %s/%s data[%q] is not base64", ns, h.name, k)}
		}
		obj.Data[k], obj.Source.KeyLines[k] = string(raw), encLines[k]
	}
	plain, plainLines, err := stringMap(file, field(n, "stringData"), "stringData")
	if err != nil {
		return err
	}
	for k, v := range plain { // stringData wins over data, as in the API server
		obj.Data[k], obj.Source.KeyLines[k] = v, plainLines[k]
	}
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	l.secrets = append(l.secrets, obj)
	return nil
}

func (l *Loader) object(file string, n *yaml.Node, h header, ns string) (*policy.Object, error) {
	if h.name == "" {
		return nil, &Error{File: file, Line: n.Line, Msg: h.kind + " without metadata.name"}
	}
	return &policy.Object{
		Ref:         policy.ObjectRef{Kind: h.kind, Namespace: ns, Name: h.name},
		Labels:      h.labels,
		Annotations: h.annotations,
		Source:      &policy.Source{File: file, Line: n.Line},
	}, nil
}

// claim refuses the same object twice: which one would be applied depends
// on the order, so judging either would be a guess.
func (l *Loader) claim(obj *policy.Object, file string, line int) error {
	if l.seen == nil {
		l.seen = map[policy.ObjectRef]string{}
	}
	where := fmt.Sprintf("%s:%d", file, line)
	if prev, dup := l.seen[obj.Ref]; dup {
		return &Error{File: file, Line: line, Msg: fmt.Sprintf("%s is given twice (also at %s)", obj.Ref, prev)}
	}
	l.seen[obj.Ref] = where
	return nil
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

// Result returns the Set, keeping only the Secrets the ConfigMaps
// reference (by name, in any namespace).
func (l *Loader) Result() *Set {
	names := referencedSecrets(&l.set)
	for _, sec := range l.secrets {
		if names[sec.Ref.Name] {
			l.set.Secrets = append(l.set.Secrets, sec)
		} else {
			l.set.Ignored++
		}
	}
	l.set.TokenSecrets = l.tokenSecretsFor()
	out := l.set
	return &out
}

// referencedSecrets names the Secrets the guarded ConfigMaps refer to:
// dex.config/oidc.config `$name:key` (and argocd-secret for `$key`), and
// the Workflows sso clientId/clientSecret.
func referencedSecrets(s *Set) map[string]bool {
	out := map[string]bool{}
	if s.ArgoCDCM != nil {
		for _, key := range []string{sso.KeyDexConfig, sso.KeyOIDCConfig} {
			refs, _ := sso.CollectRefs(s.ArgoCDCM.Data[key])
			for _, r := range refs {
				out[r.Secret] = true
			}
		}
	}
	if s.WorkflowsCM != nil {
		w := sso.ParseWorkflows(s.WorkflowsCM.Data)
		out[w.ClientID.Name.Value] = true
		out[w.ClientSecret.Name.Value] = true
	}
	delete(out, "")
	return out
}

// causeOf drops the path an *os.PathError repeats.
func causeOf(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Snapshot assembles what an evaluation sees. The Secrets count as known
// when at least one Secret manifest was read: then a Secret missing from
// the input is taken as missing.
func (s *Set) Snapshot(set *settings.Settings, now time.Time) *policy.Snapshot {
	return &policy.Snapshot{
		Settings:        set,
		ArgoCDCM:        s.ArgoCDCM,
		RBACCM:          s.RBACCM,
		WorkflowsCM:     s.WorkflowsCM,
		Secrets:         append(append([]*policy.Object(nil), s.Secrets...), s.TokenSecrets...),
		SecretsKnown:    s.SecretFiles > 0,
		Projects:        s.Projects,
		ServiceAccounts: s.ServiceAccounts,
		Now:             now,
	}
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
