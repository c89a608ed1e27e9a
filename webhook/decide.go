package webhook

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// Verdict names the outcome of one admission, as logged and counted.
type Verdict string

const (
	VerdictAllowed    Verdict = "allowed"    // no finding shown
	VerdictWarned     Verdict = "warned"     // allowed with warnings
	VerdictDenied     Verdict = "denied"     // refused (enforce mode)
	VerdictBreakGlass Verdict = "breakglass" // would be denied; a break-glass requester
	VerdictError      Verdict = "error"      // could not judge; answered per failure policy
)

// maxWarningLen keeps each admission warning on one terminal line.
const maxWarningLen = 120

// maxWarnings bounds the warnings of one response; the API server also
// limits their total size.
const maxWarnings = 25

// Decision is the judgement of one change.
type Decision struct {
	Verdict Verdict
	// Denying are the findings that refuse the change (enforce mode, new
	// deny findings, no break-glass).
	Denying []policy.Finding
	// Preexisting are deny findings the object already had before the change:
	// shown as warnings so that a broken live config can be repaired.
	Preexisting []policy.Finding
	// Findings are all findings of the changed state.
	Findings []policy.Finding
	Warnings []string
}

// Allowed reports whether the change goes through.
func (d Decision) Allowed() bool { return d.Verdict != VerdictDenied && d.Verdict != VerdictError }

// RuleIDs lists the rule IDs of the findings, in order, once each.
func (d Decision) RuleIDs() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range d.Findings {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			out = append(out, f.RuleID)
		}
	}
	return out
}

// findingKey identifies "the same problem" across two versions of a
// snapshot: rule, object, key, YAML path and message. The line is left out
// on purpose: an edit above a bad line moves it without fixing it.
type findingKey struct {
	rule               string
	object             policy.ObjectRef
	key, path, message string
}

func keyOf(f policy.Finding) findingKey {
	l := f.Location
	return findingKey{f.RuleID, l.Object, l.Key, l.Path, f.Message}
}

// lineKey is findingKey with the line: the same finding where it was.
type lineKey struct {
	findingKey
	line int
}

// preexisting marks which findings of after the state before already had.
// Findings are counted, not just looked up, so that copying a bad line a
// second time is a new problem; the same line is matched first, then any
// line (the bad line may have moved).
func preexisting(after, before []policy.Finding) []bool {
	exact := map[lineKey]int{}
	loose := map[findingKey]int{}
	for _, f := range before {
		k := keyOf(f)
		exact[lineKey{k, f.Location.Line}]++
		loose[k]++
	}
	out := make([]bool, len(after))
	for i, f := range after {
		k := keyOf(f)
		if lk := (lineKey{k, f.Location.Line}); exact[lk] > 0 {
			exact[lk]--
			loose[k]--
			out[i] = true
		}
	}
	for i, f := range after {
		if k := keyOf(f); !out[i] && loose[k] > 0 {
			loose[k]--
			out[i] = true
		}
	}
	return out
}

// Decide judges a change from the findings after it and the findings
// before it (nil for a CREATE when nothing existed). It is pure. before is
// read only in enforce mode and only for deny-action findings, so a caller
// may pass nil when after has none (see needsBefore).
//
//   - audit mode: never denies; every finding is a warning.
//   - enforce mode: deny-action findings that are new deny the change;
//     deny-action findings the state already had are warnings (never block a
//     fix); warn-action findings are warnings; audit-action ones are only
//     counted and reported by the audit controller.
//   - breakGlass: what would be denied is allowed, with the findings as
//     warnings and one warning saying so.
//
// changed is the object of the request: a warning about another guarded
// object names that object, so "data[policy.csv] line 4" is never read as
// a line of the object being applied.
func Decide(changed policy.ObjectRef, mode settings.Mode, after, before []policy.Finding, breakGlass bool) Decision {
	d := Decision{Findings: after}
	had := preexisting(after, before)
	for i, f := range after {
		switch effect := policy.Effect(f.Action, mode); {
		case mode == settings.ModeAudit:
			// Nothing is refused, and every finding is shown.
			d.Warnings = append(d.Warnings, warning(changed, f, ""))
		case effect == policy.ActionDeny && had[i]:
			d.Preexisting = append(d.Preexisting, f)
			d.Warnings = append(d.Warnings, warning(changed, f, " (already live; not blocking)"))
		case effect == policy.ActionDeny:
			// Shown in the denial message; a warning only under break-glass.
			d.Denying = append(d.Denying, f)
		case effect == policy.ActionWarn:
			d.Warnings = append(d.Warnings, warning(changed, f, ""))
		}
	}
	switch {
	case len(d.Denying) > 0 && breakGlass:
		d.Verdict = VerdictBreakGlass
		w := []string{fmt.Sprintf("argoguard: break-glass requester: allowed despite %d denying finding(s); logged", len(d.Denying))}
		for _, f := range d.Denying {
			w = append(w, warning(changed, f, ""))
		}
		d.Warnings = append(w, d.Warnings...)
	case len(d.Denying) > 0:
		d.Verdict = VerdictDenied
	case len(d.Warnings) > 0:
		d.Verdict = VerdictWarned
	default:
		d.Verdict = VerdictAllowed
	}
	d.Warnings = capWarnings(d.Warnings)
	return d
}

// ShortWarning renders a finding as one warning of at most maxWarningLen
// characters, rule ID first; suffix is kept whole.
func ShortWarning(f policy.Finding, suffix string) string {
	return truncate(f.Short(), maxWarningLen-utf8.RuneCountInString(suffix)) + suffix
}

// warning is ShortWarning, with the object's name after the rule ID when
// the finding is in another object than the one being changed.
func warning(changed policy.ObjectRef, f policy.Finding, suffix string) string {
	if o := f.Location.Object; o.Name != "" && changed.Name != "" && o != changed {
		s := f.RuleID + ": " + o.Name
		if fld := f.Location.Field(); fld != "" {
			s += " " + fld
		}
		s += ": " + f.Message
		return truncate(s, maxWarningLen-utf8.RuneCountInString(suffix)) + suffix
	}
	return ShortWarning(f, suffix)
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ") // one line
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func capWarnings(w []string) []string {
	if len(w) <= maxWarnings {
		return w
	}
	out := append([]string(nil), w[:maxWarnings-1]...)
	return append(out, fmt.Sprintf("argoguard: %d more findings; run `argoguard check` for all", len(w)-maxWarnings+1))
}

// maxDenialBytes bounds a denial's message and causes together, well under
// the 64 KiB a client shows or logs readably: a policy with thousands of bad
// lines lists the first findings and says how many more there are.
const maxDenialBytes = 48 << 10

// causeOverhead is what one cause adds to the JSON besides its texts.
const causeOverhead = len(`{"reason":"FieldValueInvalid","message":"","field":""},`)

// DenialStatus builds the denial as one Invalid status in the style of
// apierrors.NewInvalid: one cause per denying finding, with its field path
// (data[policy.csv]), and a message listing every finding with key, line
// and fix, one per line, so kubectl prints it readably. Past
// maxDenialBytes the rest is counted, not listed ("... and N more").
func DenialStatus(ref policy.ObjectRef, denying []policy.Finding) *metav1.Status {
	var msg strings.Builder
	fmt.Fprintf(&msg, "argoguard: %s %s/%s is refused: %d problem(s)", ref.Kind, ref.Namespace, ref.Name, len(denying))
	causes := make([]metav1.StatusCause, 0, min(len(denying), 64))
	used := msg.Len()
	for i, f := range denying {
		line := "\n- " + f.Long()
		cause := statusCause(ref, f)
		cost := jsonLen(line) + jsonLen(cause.Field) + jsonLen(cause.Message) + causeOverhead
		if i > 0 && used+cost > maxDenialBytes {
			more := fmt.Sprintf("... and %d more; run `argoguard check` for all", len(denying)-i)
			msg.WriteString("\n- " + more)
			causes = append(causes, metav1.StatusCause{Type: metav1.CauseType(field.ErrorTypeInvalid), Message: more})
			break
		}
		used += cost
		msg.WriteString(line)
		causes = append(causes, cause)
	}
	return &metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusUnprocessableEntity,
		Reason:  metav1.StatusReasonInvalid,
		Message: msg.String(),
		Details: &metav1.StatusDetails{Name: ref.Name, Kind: ref.Kind, Causes: causes},
	}
}

// jsonLen is the length of s as a JSON string body (encoding/json's
// escaping), so that quotes, markup or control characters in a finding
// cannot multiply the denial's size past its bound.
func jsonLen(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
			n += 2
		case r < 0x20 || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
			n += 6 // \u00XX; an invalid byte is written as \ufffd
		default:
			n += utf8.RuneLen(r)
		}
	}
	return n
}

// statusCause is one denying finding as apimachinery writes a field error:
// the field is a valid field path of the changed object (data[policy.csv]),
// and where in that value (YAML path, line) goes in the message, as does
// the object when the finding is in another guarded object (a field path
// cannot point outside the object being changed).
func statusCause(changed policy.ObjectRef, f policy.Finding) metav1.StatusCause {
	l := f.Location
	c := metav1.StatusCause{Type: metav1.CauseType(field.ErrorTypeInvalid)}
	var where []string
	switch {
	case l.Object != (policy.ObjectRef{}) && l.Object != changed:
		if loc := l.String(); loc != "" {
			where = append(where, loc)
		}
	case l.Key != "":
		c.Field = field.NewPath("data").Key(l.Key).String()
		if l.Path != "" {
			where = append(where, l.Path)
		}
		if l.Line > 0 {
			where = append(where, "line "+strconv.Itoa(l.Line))
		}
	case l.Path != "":
		// An AppProject's or ServiceAccount's finding: Path is a field path
		// of the object itself (spec.roles[0].policies[1]).
		c.Field = l.Path
		if l.Line > 0 {
			where = append(where, "line "+strconv.Itoa(l.Line))
		}
	}
	c.Message = f.RuleID
	if len(where) > 0 {
		c.Message += " (" + strings.Join(where, ", ") + ")"
	}
	c.Message += ": " + f.Message
	return c
}

// ErrorStatus is the answer when the change could not be judged: in
// enforce mode the failure policy is Fail, so the change is refused with
// the reason.
func ErrorStatus(ref policy.ObjectRef, reason string) *metav1.Status {
	return &metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusInternalServerError,
		Reason:  metav1.StatusReasonInternalError,
		Message: fmt.Sprintf("argoguard could not judge %s: %s; enforce mode refuses changes it cannot judge", ref, reason),
	}
}
