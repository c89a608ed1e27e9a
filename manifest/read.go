package manifest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

// ReadInput reads one named input: a file, or stdin for "-" (named
// "<stdin>"), at most MaxInputBytes of it.
func ReadInput(path string, stdin io.Reader) (name string, data []byte, err error) {
	if path == "-" {
		if stdin == nil {
			return "<stdin>", nil, &Error{File: "<stdin>", Msg: "no standard input"}
		}
		data, err := readLimited(stdin, "<stdin>")
		return "<stdin>", data, err
	}
	f, err := os.Open(path)
	if err != nil {
		return path, nil, &Error{File: path, Msg: causeOf(err)}
	}
	defer f.Close()
	data, err = readLimited(f, path)
	return path, data, err
}

// ReadConfigMap reads the one ConfigMap of a manifest file, with its file
// and the file line of each data key: the loader of single-object fixtures.
func ReadConfigMap(path string) (*policy.Object, error) {
	name, raw, err := ReadInput(path, nil)
	if err != nil {
		return nil, err
	}
	cms, _, err := ConfigMaps(name, raw)
	if err != nil {
		return nil, err
	}
	if len(cms) != 1 {
		return nil, &Error{File: path, Msg: fmt.Sprintf("holds %d ConfigMaps, want one", len(cms))}
	}
	return cms[0], nil
}

// RelativeTo rewrites the objects' file paths relative to root (or the git
// work tree around the current folder, else the current folder), with
// forward slashes: SARIF consumers resolve them against the repository.
// Paths outside root, and stdin, stay as given.
func RelativeTo(root string, objs ...*policy.Object) error {
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		root = gitRoot(wd)
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if o == nil || o.Source == nil || o.Source.File == "" || o.Source.File == "<stdin>" {
			continue
		}
		abs, err := filepath.Abs(o.Source.File)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			o.Source.File = filepath.ToSlash(rel)
		}
	}
	return nil
}

// gitRoot returns the nearest folder at or above dir holding .git, or dir.
func gitRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}
