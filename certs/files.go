package certs

import (
	"bytes"
	"os"
	"path/filepath"
)

// WriteFiles writes tls.crt, tls.key and ca.crt to dir when they differ,
// each through a temporary file and a rename, so the certificate watcher
// never reads half a file. It reports whether anything changed.
func WriteFiles(dir string, b *Bundle) (bool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	changed := false
	// The key first: certwatcher reloads on the certificate's event too.
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{{KeyKey, b.Key, 0o600}, {KeyCert, b.Cert, 0o644}, {KeyCACert, b.CACert, 0o644}} {
		path := filepath.Join(dir, f.name)
		if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, f.data) {
			continue
		}
		tmp, err := os.CreateTemp(dir, "."+f.name+".*")
		if err != nil {
			return changed, err
		}
		_, werr := tmp.Write(f.data)
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), f.mode)
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), path)
		}
		if werr != nil {
			_ = os.Remove(tmp.Name())
			return changed, werr
		}
		changed = true
	}
	return changed, nil
}
