package report_test

// The HTML report opened in a real browser (headless Chromium): the DOM the
// browser builds holds the findings and every matrix cell, and a screenshot
// is written to testdata/out/ for a person to look at.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/argoguard/argoguard/policy/report"
)

// chromiumPath finds the browser the CI installs (Debian package chromium).
func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("ARGOGUARD_REQUIRE_CHROMIUM") != "" {
		t.Fatal("chromium not found (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed (.ci/run installs it); set CHROMIUM=/path to use another")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	// A guard against a hung browser, not a performance assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func TestHTMLInChromium(t *testing.T) {
	bin := chromiumPath(t)
	r := guideReport(t, "as-written", nil, fixedClock)
	var page bytes.Buffer
	if err := report.WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	outDir, err := filepath.Abs("testdata/out")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	htmlPath := filepath.Join(outDir, "guide-as-written.html")
	if err := os.WriteFile(htmlPath, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + htmlPath

	dom := runChromium(t, bin, "--dump-dom", url)
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatalf("the DOM Chromium dumped does not parse: %v", err)
	}

	// Findings: every finding of the report is on the page, under its rule.
	perRule := map[string]int{}
	for _, f := range r.Findings {
		perRule[f.RuleID]++
	}
	got := map[string]int{}
	for _, n := range findAll(doc, func(n *html.Node) bool { return hasClass(n, "finding") }) {
		got[attr(n, "data-rule")]++
	}
	for id, n := range perRule {
		if got[id] != n {
			t.Errorf("page shows %d finding(s) of %s, the report has %d", got[id], id, n)
		}
	}
	if perRule["RBAC-007"] != 3 || perRule["RBAC-004"] != 1 {
		t.Errorf("the guide's policy should give RBAC-007 on three lines and RBAC-004 once, got %v", perRule)
	}

	// Checks: one row per rule and object, with its result.
	checks := findAll(doc, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "checks") })
	if len(checks) != len(r.Objects) {
		t.Fatalf("%d check tables for %d objects", len(checks), len(r.Objects))
	}
	for i, tbl := range checks {
		rows := findAll(tbl, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-rule") != "" })
		if len(rows) != len(r.Objects[i].Results) {
			t.Errorf("%s: %d check rows, %d results", r.Objects[i].Object, len(rows), len(r.Objects[i].Results))
			continue
		}
		for j, tr := range rows {
			want := r.Objects[i].Results[j]
			cells := findAll(tr, func(n *html.Node) bool { return n.Data == "td" })
			if attr(tr, "data-rule") != want.Rule || text(cells[len(cells)-1]) != want.Result {
				t.Errorf("%s: check row %s %q, want %s %s", r.Objects[i].Object, attr(tr, "data-rule"), text(cells[len(cells)-1]), want.Rule, want.Result)
			}
		}
	}

	// Matrix: every cell the browser shows matches the report model.
	tables := findAll(doc, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "matrix") })
	if len(tables) != len(r.Matrix.Sections) {
		t.Fatalf("page has %d matrix tables, report has %d sections", len(tables), len(r.Matrix.Sections))
	}
	cells := 0
	for si, tbl := range tables {
		sec := r.Matrix.Sections[si]
		rows := findAll(tbl, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-action") != "" })
		if len(rows) != len(sec.Rows) {
			t.Fatalf("section %q: %d rows on the page, %d in the report", sec.Title, len(rows), len(sec.Rows))
		}
		for ri, tr := range rows {
			want := sec.Rows[ri]
			if attr(tr, "data-resource") != want.Resource || attr(tr, "data-action") != want.Action || attr(tr, "data-object") != want.Object {
				t.Fatalf("row %d of %q is %s %s %s, want %s %s %s", ri, sec.Title,
					attr(tr, "data-resource"), attr(tr, "data-action"), attr(tr, "data-object"), want.Resource, want.Action, want.Object)
			}
			tds := findAll(tr, func(n *html.Node) bool { return n.Data == "td" && attr(n, "data-subject") != "" })
			if len(tds) != len(r.Matrix.Subjects) {
				t.Fatalf("row %v: %d cells, %d subjects", want, len(tds), len(r.Matrix.Subjects))
			}
			for ci, td := range tds {
				c := want.Cells[ci]
				if hasClass(td, "allow") != c.Allowed || attr(td, "data-subject") != r.Matrix.Subjects[ci].Name {
					t.Errorf("%s %s %s for %s: page says %q, report allowed=%v", want.Action, want.Resource, want.Object,
						r.Matrix.Subjects[ci].Name, attr(td, "class"), c.Allowed)
				}
				if c.Line != nil && !strings.Contains(text(td), c.Line.Compact()) {
					t.Errorf("%s %s %s for %s: page does not cite %s", want.Action, want.Resource, want.Object, r.Matrix.Subjects[ci].Name, c.Line.Compact())
				}
				cells++
			}
		}
	}
	// What a reviewer looks for first: the display-name group holds admin
	// on paper, the real group ID does not.
	if !cellAllowed(doc, "argocd-admins", "applications", "sync", "*/*") {
		t.Error("argocd-admins should hold sync applications */* through role:admin")
	}
	if cellAllowed(doc, "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01", "applications", "sync", "*/*") {
		t.Error("the group ID is not bound to role:admin in the guide's policy")
	}
	t.Logf("checked %d matrix cells and %d findings in the DOM", cells, len(r.Findings))

	// Self-contained: nothing the browser would fetch.
	for _, bad := range []string{"<script", "<link", " src=", "url(", "@import"} {
		if bytes.Contains(page.Bytes(), []byte(bad)) {
			t.Errorf("the page contains %q: it must not load anything", bad)
		}
	}

	shot := filepath.Join(outDir, "guide-as-written.png")
	_ = os.Remove(shot)
	runChromium(t, bin, "--hide-scrollbars", "--window-size=1280,2400", "--screenshot="+shot, url)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10_000 {
		t.Fatalf("no usable screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)

	// A second picture of the matrix alone (the other sections hidden), for
	// a person to check the table layout.
	matrixPage := bytes.Replace(page.Bytes(), []byte("</style>"), []byte("section#summary, section#findings { display: none; }\n</style>"), 1)
	matrixHTML := filepath.Join(outDir, "guide-as-written-matrix.html")
	if err := os.WriteFile(matrixHTML, matrixPage, 0o644); err != nil {
		t.Fatal(err)
	}
	matrixShot := filepath.Join(outDir, "guide-as-written-matrix.png")
	runChromium(t, bin, "--hide-scrollbars", "--window-size=1280,1600", "--screenshot="+matrixShot, "file://"+matrixHTML)
	t.Logf("matrix screenshot: %s", matrixShot)

	pdf := filepath.Join(outDir, "guide-as-written.pdf")
	_ = os.Remove(pdf)
	runChromium(t, bin, "--no-pdf-header-footer", "--print-to-pdf="+pdf, url)
	if st, err := os.Stat(pdf); err != nil || st.Size() < 10_000 {
		t.Fatalf("printing the report to PDF failed: %v", err)
	}
}

func cellAllowed(doc *html.Node, subject, res, act, obj string) bool {
	for _, tr := range findAll(doc, func(n *html.Node) bool {
		return n.Data == "tr" && attr(n, "data-resource") == res && attr(n, "data-action") == act && attr(n, "data-object") == obj
	}) {
		for _, td := range findAll(tr, func(n *html.Node) bool { return n.Data == "td" && attr(n, "data-subject") == subject }) {
			return hasClass(td, "allow")
		}
	}
	return false
}

func findAll(root *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
