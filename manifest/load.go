package manifest

// Reading inputs: files, folders and stdin, document by document, into
// the Loader's Set.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// maxDocDepth bounds nesting inside one manifest (real ones are < 20 deep).
const maxDocDepth = 100

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
