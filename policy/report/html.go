package report

// HTML: one self-contained page (inline CSS, no script, no network) that
// reads on screen and prints: summary, findings by severity, the RBAC
// changes against a baseline, and the permission matrix.

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"severities": func() []policy.Severity { return Severities },
	"bySeverity": func(r *Report, s policy.Severity) []Finding { return r.FindingsBySeverity(s) },
	"title":      titleCase,
	"summary":    summaryLine,
	"cellText": func(c Cell) string {
		t := CellText(c)
		t = strings.TrimPrefix(strings.TrimPrefix(t, "allow"), "deny")
		return strings.TrimSpace(t)
	},
	"orNone":    orNone,
	"header":    subjectHeader,
	"sevKey":    func(s policy.Severity) string { return string(s) },
	"count":     func(r *Report, s policy.Severity) int { return r.Summary.BySeverity[string(s)] },
	"viaText":   viaText,
	"bySubject": BySubject,
	"join":      strings.Join,
	"workflows": workflowsText,
}).Parse(htmlSource))

// viaText renders the g lines of a cell: "via policy.csv:6".
func viaText(c Cell) string {
	if len(c.Via) == 0 {
		return ""
	}
	parts := make([]string, len(c.Via))
	for i, l := range c.Via {
		parts[i] = l.Compact()
	}
	return "via " + strings.Join(parts, ", ")
}

// WriteHTML renders the report as one HTML page.
func WriteHTML(w io.Writer, r *Report) error { return htmlTemplate.Execute(w, r) }
