package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const goldenDir = "testdata/golden"

type goldenCase struct {
	file   string
	render func(io.Writer) error
}

// goldenCases renders every format for the guide as written, and the
// fixed configuration against the as-written baseline (the pull request
// that fixes the guide). No clock: golden files carry no time.
func goldenCases(t *testing.T) []goldenCase {
	asWritten := guideReport(t, "as-written", nil, time.Time{})
	baseline := loadObject(t, guideDir+"/as-written/argocd-rbac-cm.yaml")
	fix := guideReport(t, "fixed", baseline, time.Time{})
	jsonOf := func(v any) func(io.Writer) error {
		return func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
	}
	var cases []goldenCase
	for _, v := range []struct {
		name string
		r    *report.Report
	}{{"guide-as-written", asWritten}, {"guide-fixed-vs-as-written", fix}} {
		r := v.r
		cases = append(cases,
			goldenCase{v.name + ".json", func(w io.Writer) error { return report.WriteJSON(w, r) }},
			goldenCase{v.name + ".sarif", func(w io.Writer) error { return report.WriteSARIF(w, r) }},
			goldenCase{v.name + ".md", func(w io.Writer) error { return report.WriteMarkdown(w, r) }},
			goldenCase{v.name + ".html", func(w io.Writer) error { return report.WriteHTML(w, r) }},
			goldenCase{v.name + ".junit.xml", func(w io.Writer) error { return report.WriteJUnit(w, r) }},
			goldenCase{v.name + ".policyreports.json", jsonOf(report.PolicyReports(r, report.FormatPolicyReport))},
			goldenCase{v.name + ".openreports.json", jsonOf(report.PolicyReports(r, report.FormatOpenReports))},
		)
	}
	return cases
}

func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	want := map[string]bool{}
	for _, c := range cases {
		want[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.render(&buf); err != nil {
				t.Fatal(err)
			}
			// No secret value of the guide's Secrets ever shows.
			for _, secret := range guideSecretValues(t) {
				if bytes.Contains(buf.Bytes(), []byte(secret)) {
					t.Errorf("%s contains a Secret value", c.file)
				}
			}
			// Rendering twice gives the same bytes (map order, sorting).
			var again bytes.Buffer
			if err := c.render(&again); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Fatal("two renderings of the same report differ")
			}
			path := filepath.Join(goldenDir, c.file)
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("missing golden file (run go test ./policy/report -update): %v", err)
			}
			if !bytes.Equal(golden, buf.Bytes()) {
				t.Errorf("%s differs from the golden file; diff it with:\n  go test ./policy/report -run TestGolden -update && git diff %s\n%s",
					c.file, path, firstDifference(golden, buf.Bytes()))
			}
		})
	}
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range entries {
		if !want[e.Name()] {
			extra = append(extra, e.Name())
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("golden files no test writes (delete them): %v", extra)
	}
}

// firstDifference shows the first differing line of two texts.
func firstDifference(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

// guideSecretValues are the values of every Secret in the guide (the
// client id is also the IdP URL, which findings may name; only values that
// are secrets count).
func guideSecretValues(t *testing.T) []string {
	var out []string
	for _, variant := range []string{"as-written", "fixed"} {
		for _, o := range guideSnapshot(t, variant).Secrets {
			for k, v := range o.Data {
				if strings.Contains(k, "secret") && len(v) >= 8 {
					out = append(out, v)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the guide has no Secret values to look for")
	}
	return out
}
