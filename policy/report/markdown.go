package report

// Markdown: the HTML report's content for a pull-request comment (GitHub
// flavoured: tables, <details> around the long permission matrix).

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown renders the report as Markdown.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString("# argoguard report\n\n")
	b.WriteString(summaryLine(r) + "\n\n")

	b.WriteString("## Summary\n\n")
	b.WriteString("| Object | File | Pass | Fail | Warn | Skip |\n|---|---|---:|---:|---:|---:|\n")
	for _, o := range r.Objects {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d |\n", mdText(o.Object.String()), mdCode(o.File),
			o.Summary.Pass, o.Summary.Fail, o.Summary.Warn, o.Summary.Skip)
	}
	b.WriteString("\n| Severity | Findings |\n|---|---:|\n")
	for _, sev := range Severities {
		fmt.Fprintf(&b, "| %s | %d |\n", sev, r.Summary.BySeverity[string(sev)])
	}

	b.WriteString("\n## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
	}
	for _, sev := range Severities {
		fs := r.FindingsBySeverity(sev)
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n", titleCase(string(sev)), len(fs))
		for _, f := range fs {
			fmt.Fprintf(&b, "- **%s** %s, `%s`: %s\n", f.RuleID, mdText(f.Title), f.Action, mdText(f.Message))
			fmt.Fprintf(&b, "  - where: %s (%s)\n", mdCode(f.Where), mdText(f.Object.String()))
			if f.Detail != "" {
				fmt.Fprintf(&b, "  - why: %s\n", mdText(f.Detail))
			}
			if f.Fix != "" {
				fmt.Fprintf(&b, "  - fix: %s\n", mdText(f.Fix))
			}
		}
		b.WriteString("\n")
	}

	b.WriteString("<details><summary>Checks per object</summary>\n\n")
	for _, o := range r.Objects {
		fmt.Fprintf(&b, "**%s**\n\n| Rule | Title | Result |\n|---|---|---|\n", mdText(o.Object.String()))
		for _, res := range o.Results {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", res.Rule, mdText(res.Title), res.Result)
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n\n")

	writeGroupsMarkdown(&b, r.Groups)
	writeAccountsMarkdown(&b, r.WorkflowsAccounts)
	if r.RBACChanges != nil {
		writeChangesMarkdown(&b, r.RBACChanges)
	}
	var m strings.Builder
	writeMatrixMarkdown(&m, r)
	if b.Len()+m.Len() > MarkdownBudget && r.Matrix != nil {
		m.Reset()
		fmt.Fprintf(&m, "## Permission matrix\n\nThe matrix (%d subjects, %d cells) does not fit in a comment: see the HTML or JSON report.\n",
			len(r.Matrix.Subjects), matrixCells(r.Matrix))
	}
	b.WriteString(m.String())
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownBudget keeps a Markdown report under GitHub's 65,536-character
// limit for a comment: past it, the matrix is left to the HTML report.
const MarkdownBudget = 60000

func matrixCells(m *Matrix) int {
	n := 0
	for _, s := range m.Sections {
		n += len(s.Rows) * len(m.Subjects)
	}
	return n
}

func summaryLine(r *Report) string {
	s := r.Summary
	line := fmt.Sprintf("Mode %s. %d object(s), %d finding(s): %d deny, %d warn, %d audit. Results: %d pass, %d fail, %d warn, %d skip.",
		orDash(r.Mode), s.Objects, s.Findings, s.ByAction["deny"], s.ByAction["warn"], s.ByAction["audit"], s.Pass, s.Fail, s.Warn, s.Skip)
	if r.GeneratedAt != "" {
		line += " Generated " + r.GeneratedAt + "."
	}
	return line
}

func writeChangesMarkdown(b *strings.Builder, c *RBACChanges) {
	b.WriteString("## What this change grants and revokes\n\n")
	if c.Error != "" {
		fmt.Fprintf(b, "No comparison: %s\n\n", mdText(c.Error))
		return
	}
	if c.OldDefault != c.NewDefault {
		fmt.Fprintf(b, "- **policy.default** changes from %s to %s: every user is affected.\n", mdCode(orNone(c.OldDefault)), mdCode(orNone(c.NewDefault)))
	}
	if c.MatchModeChanged {
		b.WriteString("- **policy.matchMode** changes between glob and regex: every pattern changes meaning.\n")
	}
	if len(c.Grants) == 0 && len(c.Revokes) == 0 {
		b.WriteString("No subject gains or loses a permission.\n\n")
		return
	}
	for _, part := range []struct {
		title string
		list  []PermissionChange
	}{{"Grants", c.Grants}, {"Revokes", c.Revokes}} {
		if len(part.list) == 0 {
			continue
		}
		groups := BySubject(part.list)
		fmt.Fprintf(b, "\n### %s: %d permission(s) for %d subject(s)\n", part.title, len(part.list), len(groups))
		for _, g := range groups {
			fmt.Fprintf(b, "\n#### %s (%d)\n\n| Permission | Line |\n|---|---|\n", mdText(g.Display), len(g.Changes))
			for _, pc := range g.Changes {
				fmt.Fprintf(b, "| %s | %s |\n", mdCode(pc.Effect+" "+pc.Action+" "+pc.Resource+" "+pc.Object), changeLine(pc))
			}
		}
	}
	b.WriteString("\n")
}

func changeLine(pc PermissionChange) string {
	if pc.Line == nil {
		return ""
	}
	s := mdCode(pc.Line.Text) + " " + pc.Line.Compact()
	if len(pc.Via) > 0 {
		s += " " + viaText(Cell{Via: pc.Via})
	}
	if pc.Baseline {
		s += " (removed from the baseline)"
	}
	return s
}

func writeMatrixMarkdown(b *strings.Builder, r *Report) {
	b.WriteString("## Permission matrix\n\n")
	m := r.Matrix
	if m == nil {
		if r.MatrixError != "" {
			fmt.Fprintf(b, "No matrix: Argo CD would refuse the policy (%s).\n", mdText(r.MatrixError))
		} else {
			b.WriteString("No argocd-rbac-cm was given.\n")
		}
		return
	}
	fmt.Fprintf(b, "Default role: %s. Match mode: %s. Each cell is what `argoguard rbac can SUBJECT ACTION RESOURCE OBJECT` answers, with the line that decides it.\n\n",
		mdCode(orNone(m.DefaultRole)), m.MatchMode)
	b.WriteString("| Subject | Kind | Note |\n|---|---|---|\n")
	for _, s := range m.Subjects {
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdText(s.Display), s.Kind, mdText(s.Note))
	}
	b.WriteString("\n<details><summary>Matrix</summary>\n\n")
	for _, sec := range m.Sections {
		fmt.Fprintf(b, "### %s\n\n", mdText(sec.Title))
		if sec.Note != "" {
			fmt.Fprintf(b, "> %s\n\n", mdText(sec.Note))
		}
		b.WriteString("| Resource | Action | Object |")
		for _, s := range m.Subjects {
			b.WriteString(" " + mdText(subjectHeader(s)) + " |")
		}
		b.WriteString("\n|---|---|---|")
		for range m.Subjects {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, row := range sec.Rows {
			fmt.Fprintf(b, "| %s | %s | %s |", row.Resource, mdCode(row.Action), mdCode(row.Object))
			for _, c := range row.Cells {
				mark := "❌"
				if c.Allowed {
					mark = "✅"
				}
				ref := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(CellText(c), "allow"), "deny"))
				b.WriteString(" " + strings.TrimSpace(mark+" "+ref) + " |")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("Lines cited:\n\n")
	for _, l := range m.ReferencedLines() {
		fmt.Fprintf(b, "- %s %s", l.Compact(), mdCode(l.Text))
		if l.File != "" && l.FileLine > 0 {
			fmt.Fprintf(b, " (%s)", mdCode(fmt.Sprintf("%s:%d", l.File, l.FileLine)))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n")
}

// subjectHeader is a short column header: the display name, and the kind
// for roles and the default.
func subjectHeader(s Subject) string {
	if s.Kind == SubjectEveryone {
		return "every user (" + s.Name + ")"
	}
	if s.Note != "" {
		return s.Display + " ⚠ see note"
	}
	return s.Display
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// mdText escapes what would change Markdown's meaning in running text.
func mdText(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;", ">", "&gt;", "|", "\\|", "[", "\\[", "]", "\\]", "\n", " ")
	return r.Replace(s)
}

// mdCode renders s as inline code, with a fence longer than any backtick
// run inside it.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// writeGroupsMarkdown prints the per-group table a security review starts
// from.
func writeGroupsMarkdown(b *strings.Builder, groups []GroupAccess) {
	if len(groups) == 0 {
		return
	}
	b.WriteString("## Access per identity-provider group\n\n")
	b.WriteString("| Group | Argo CD roles | Argo CD permissions | AppProject roles | Workflows account |\n|---|---|---|---|---|\n")
	for _, g := range groups {
		name := mdText(g.Display)
		if g.Group != NoGroups && g.Group != g.Display {
			name += " " + mdCode(g.Group)
		}
		var projects []string
		for _, p := range g.Projects {
			text := strings.Join(p.Roles, ", ") + ": " + strings.Join(p.Permissions, "; ")
			if p.Note != "" {
				text = strings.Join(p.Roles, ", ") + ": none (" + p.Note + ")"
			}
			projects = append(projects, mdText(text))
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", name, mdText(orNone(strings.Join(g.Roles, ", "))),
			mdText(orNone(strings.Join(g.Permissions, "; "))), orNone(strings.Join(projects, "<br>")), mdText(workflowsText(g.Workflows)))
	}
	for _, g := range groups {
		if g.Workflows != nil && g.Workflows.Note != "" {
			fmt.Fprintf(b, "\nWorkflows: %s\n", mdText(g.Workflows.Note))
			break
		}
	}
	b.WriteString("\nEvery user also holds policy.default's permissions (the permission matrix's first column).\n\n")
}

// workflowsText is the Workflows column: the account and its namespace,
// or why there is none.
func workflowsText(w *WorkflowsAccess) string {
	if w == nil {
		return "(no rbac-rule ServiceAccounts given)"
	}
	return w.Text()
}
