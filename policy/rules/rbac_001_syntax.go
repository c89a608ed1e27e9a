package rules

// RBAC-001 restricts argocd-rbac-cm to lines Argo CD loads and uses: one
// refused line (field count, unknown type, CSV quoting) makes Argo CD drop
// the whole policy and fail every request; r/e/m lines and inline # notes
// load but silently do nothing.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC001 = policy.Rule{
	ID: "RBAC-001", Title: "Policy line Argo CD cannot load or silently ignores",
	Severity: policy.SeverityCritical, Category: "rbac", Action: policy.ActionDeny,
	Doc: "Argo CD reads policy.csv and every policy.*.csv line by line with Go's encoding/csv: " +
		"a p line needs exactly 6 fields (p, subject, resource, action, object, effect), a g line exactly 3 " +
		"(g, subject, role). One line it cannot read makes the whole policy invalid: argocd-server refuses " +
		"it at start-up and, when changed at run time, fails every RBAC request. Lines of type r, e or m and " +
		"a # note after the effect are accepted but do nothing. Fix the named line: add the missing field or " +
		"comma, quote fields that contain commas, and put comments on their own line." +
		" Source: Argo CD: util/rbac/rbac.go (ValidatePolicy, policy loading with encoding/csv).",
	Check: checkRBACSyntax,
}

func checkRBACSyntax(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	var out []policy.Finding
	for _, e := range in.pol.Errors {
		out = append(out, policy.Finding{
			Location: in.at(e.Key, e.Line),
			Message:  "Argo CD refuses this line: " + e.Reason,
			Detail:   "one unreadable line makes Argo CD reject the whole policy; argocd-server fails every RBAC request",
			Fix:      lineFix(e.Reason),
		})
	}
	for _, l := range in.userLines() {
		switch {
		case l.Ignored():
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("a %q line is loaded but ignored: it grants nothing", l.Type),
				Detail:   "Argo CD accepts lines whose type is r, e or m (names of its model sections) and never uses them",
				Fix:      "write a p line (p, subject, resource, action, object, effect) or a g line (g, subject, role)",
			})
		case inlineComment(l) != "":
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("inline # note makes the last field %q: the line does nothing", inlineComment(l)),
				Detail:   "only whole-line comments are skipped; a note after the last field becomes part of it",
				Fix:      "move the note to its own line starting with #",
			})
		}
	}
	return out
}

// inlineComment returns the last field when it carries a # note.
func inlineComment(l *rbac.Line) string {
	if len(l.Fields) == 0 {
		return ""
	}
	last := l.Fields[len(l.Fields)-1]
	if i := strings.Index(last, "#"); i > 0 && strings.TrimSpace(last[:i]) != last[:i] {
		return last
	}
	return ""
}

func lineFix(reason string) string {
	switch {
	case strings.Contains(reason, "p line"):
		return "write p, <subject>, <resource>, <action>, <object>, <allow|deny> (check for a missing comma)"
	case strings.Contains(reason, "g line"):
		return "write g, <subject>, <role> (check for a missing or extra comma)"
	case strings.Contains(reason, "CSV"):
		return `quote the whole field ("a, b") and double quotes inside it ("")`
	}
	return "start the line with p or g, or with # for a comment"
}
