package manifest

import (
	"testing"
	"time"

	"github.com/argoguard/argoguard/settings"
)

var nowForTest = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// FuzzParse: any input is read or refused with an *Error; never a panic.
// Every object read has a file and its key lines point into the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{argocdCM, workflowsCM, secrets, argocdCM + "---\n" + workflowsCM,
		`{"kind": "List", "items": [{"kind": "ConfigMap", "metadata": {"name": "argocd-cm"}, "data": {"a": "b"}}]}`,
		"kind: ConfigMap\nmetadata: &m {name: argocd-cm}\ndata: *m\n", "a: &a [*a]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		l := &Loader{Settings: settings.Default()}
		if err := l.Parse("fuzz.yaml", []byte(in)); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		s := l.Result()
		lines := 1
		for _, c := range in {
			if c == '\n' {
				lines++
			}
		}
		for _, o := range append(s.Objects(), s.Secrets...) {
			if o.Source == nil || o.Source.File != "fuzz.yaml" {
				t.Fatalf("object without source: %+v", o)
			}
			for k, line := range o.Source.KeyLines {
				if line < 1 || line > lines+1 {
					t.Fatalf("key %q at line %d of %d", k, line, lines)
				}
			}
		}
	})
}
