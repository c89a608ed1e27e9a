package report

// The text of `argoguard rbac validate`, `who-can` and `diff`: reports over
// one policy (or two), each line pointing where the policy says it.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// PolicyLocator says where a policy's lines and findings are: a file and
// line, or a live object's key and line.
type PolicyLocator interface {
	LineRef(l *rbac.Line) string
	FindingWhere(l policy.Location) string
}

// WriteValidateText prints RBAC findings one per line, with their fix.
func WriteValidateText(w io.Writer, found []policy.Finding, loc PolicyLocator) {
	if len(found) == 0 {
		fmt.Fprintln(w, "Policy is valid: no findings.")
	}
	for _, fd := range found {
		fmt.Fprintf(w, "%s %s (%s) %s: %s\n", strings.ToUpper(string(fd.Action)), fd.RuleID, fd.Severity, loc.FindingWhere(fd.Location), fd.Message)
		if fd.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", fd.Fix)
		}
	}
}

// WriteWhoCanText prints who may do act on res obj, each with the line
// that grants it and the g lines it goes through.
func WriteWhoCanText(w io.Writer, r rbac.WhoCanResult, defaultRole, act, res, obj string, loc PolicyLocator) {
	fmt.Fprintf(w, "Who can %s %s %s:\n", act, res, obj)
	if r.Everyone {
		fmt.Fprintf(w, "  EVERY USER through policy.default %s (%s)\n", defaultRole, loc.LineRef(r.DefaultGrant.Line))
	}
	for _, g := range r.Subjects {
		kind := ""
		switch {
		case g.Role:
			kind = " [role]"
		case g.IgnoredAsGroup:
			kind = " [user id only: no g line, so not honoured as a group]"
		}
		var via []string
		for _, l := range g.Via {
			via = append(via, fmt.Sprintf("%s -> %s (%s)", l.Subject(), l.Role(), loc.LineRef(l)))
		}
		fmt.Fprintf(w, "  %s%s: %s", g.Subject, kind, loc.LineRef(g.Line))
		if len(via) > 0 {
			fmt.Fprintf(w, " via %s", strings.Join(via, ", "))
		}
		fmt.Fprintln(w)
	}
	if !r.Everyone && len(r.Subjects) == 0 {
		fmt.Fprintln(w, "  nobody")
	}
}

// maxDiffLines bounds the permission changes shown per subject (JSON has
// them all).
const maxDiffLines = 8

// WriteDiffText prints who gains and loses which role and permission
// between two policies; old and new locate the lines of each.
func WriteDiffText(w io.Writer, d rbac.DiffResult, old, new PolicyLocator) {
	if d.MatchModeChanged {
		fmt.Fprintln(w, "! match mode changes between glob and regex: every pattern changes meaning")
	}
	if d.OldDefault != d.NewDefault {
		fmt.Fprintf(w, "! policy.default: %q -> %q\n", d.OldDefault, d.NewDefault)
	}
	for _, rc := range d.Roles {
		sign, loc, verb := "-", old, "loses"
		if rc.Gained {
			sign, loc, verb = "+", new, "gains"
		}
		fmt.Fprintf(w, "%s %s %s role %s  (%s)\n", sign, rbac.SubjectName(rc.Subject), verb, rc.Role, loc.LineRef(rc.Line))
	}
	shown := map[string]int{}
	for _, ch := range d.Changes {
		shown[ch.Subject]++
		if n := shown[ch.Subject]; n > maxDiffLines {
			continue
		}
		sign := "-"
		if ch.Gained {
			sign = "+"
		}
		// The line is in the new policy for an added allow or deny, in the
		// old one for a removed line.
		loc := old
		if ch.Gained == (ch.Perm.Effect == "allow") {
			loc = new
		}
		fmt.Fprintf(w, "%s %s  (%s)\n", sign, ch.Describe(), loc.LineRef(ch.Line))
	}
	subjects := make([]string, 0, len(shown))
	for s := range shown {
		subjects = append(subjects, s)
	}
	sort.Strings(subjects)
	for _, sub := range subjects {
		if n := shown[sub]; n > maxDiffLines {
			fmt.Fprintf(w, "  ... %s: %d more permission changes (--output json lists all)\n", rbac.SubjectName(sub), n-maxDiffLines)
		}
	}
	if len(d.Changes) == 0 && !d.MatchModeChanged {
		fmt.Fprintln(w, "No change in permissions.")
	}
}

// WriteIndentedJSON writes v as indented JSON: the JSON output of every
// argoguard command.
func WriteIndentedJSON(w io.Writer, v any) error { return writeIndentedJSON(w, v) }

// SummaryLine is the report's one-line count of findings.
func (r *Report) SummaryLine() string {
	s := r.Summary
	return fmt.Sprintf("%d finding(s) on %d object(s): %d deny, %d warn, %d audit",
		s.Findings, s.Objects, s.ByAction["deny"], s.ByAction["warn"], s.ByAction["audit"])
}
