package main

import (
	"strings"
	"testing"
)

// FuzzParsePolicyFile: any file reads as a ConfigMap or as CSV without
// panicking, and every key line points inside the file.
func FuzzParsePolicyFile(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\ndata:\n  policy.csv: |\n    p, a, b, c, d, allow\n  policy.default: role:readonly\n"))
	f.Add([]byte("p, a, applications, get, */*, allow\ng, x, role:a\n"))
	f.Add([]byte("data:\n  policy.csv: >\n    g, a, b\n"))
	f.Add([]byte("# only a comment\n"))
	f.Add([]byte("kind: ConfigMap\ndata: [1, 2]\n"))
	f.Add([]byte("data:\n  a: &x 1\n  b: *x\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		pf := parsePolicyFile("f.yaml", raw)
		lines := strings.Count(string(raw), "\n") + 1
		for key, line := range pf.obj.Source.KeyLines {
			if line < 1 || line > lines+1 {
				t.Fatalf("key %q at line %d of a %d-line file", key, line, lines)
			}
		}
		if p, _ := pf.parse(); p != nil && !p.Valid() {
			t.Fatal("parse returned an invalid policy without error")
		}
	})
}

func TestParsePolicyFileKeyLines(t *testing.T) {
	pf := parsePolicyFile("cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rbac\ndata:\n  policy.default: role:readonly\n  policy.csv: |\n    p, a, b, c, d, allow\n"))
	if pf.isCSV || pf.obj.Ref.Name != "rbac" {
		t.Fatalf("not read as a ConfigMap: %+v", pf.obj.Ref)
	}
	if got := pf.obj.Source.KeyLines; got["policy.default"] != 6 || got["policy.csv"] != 8 {
		t.Fatalf("key lines = %v, want policy.default 6, policy.csv 8", got)
	}
	if pf := parsePolicyFile("p.csv", []byte("p, a, b, c, d, allow\n")); !pf.isCSV {
		t.Fatal("CSV read as a ConfigMap")
	}
}
