package rbac

import (
	"encoding/csv"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The argocd-rbac-cm data keys Argo CD reads.
const (
	KeyPolicyCSV = "policy.csv"
	KeyDefault   = "policy.default"
	KeyMatchMode = "policy.matchMode"
	KeyScopes    = "scopes"

	MatchModeGlob  = "glob"
	MatchModeRegex = "regex"
)

// PolicyKeys returns the data keys Argo CD joins into the policy, in the
// order it joins them: policy.csv, then every other key that starts with
// "policy." and ends with ".csv", sorted. Odd keys such as "policy..csv" or
// "policy.default.csv" count; policy.default and policy.matchMode do not.
func PolicyKeys(data map[string]string) []string {
	var keys []string
	if _, ok := data[KeyPolicyCSV]; ok {
		keys = append(keys, KeyPolicyCSV)
	}
	var overlays []string
	for k := range data {
		if isOverlayKey(k) {
			overlays = append(overlays, k)
		}
	}
	sort.Strings(overlays)
	return append(keys, overlays...)
}

func isOverlayKey(k string) bool {
	return k != KeyPolicyCSV && strings.HasPrefix(k, "policy.") && strings.HasSuffix(k, ".csv")
}

// Compose joins data like Argo CD's PolicyCSV (policy.csv, then sorted
// policy.*.csv, "\n" between).
func Compose(data map[string]string) string {
	var b strings.Builder
	b.WriteString(data[KeyPolicyCSV])
	for _, k := range PolicyKeys(data) {
		if k == KeyPolicyCSV {
			continue
		}
		b.WriteString("\n")
		b.WriteString(data[k])
	}
	return b.String()
}

// Line is one line Argo CD loads (a p or g line, or an r/e/m line it
// accepts and ignores), with where it came from.
type Line struct {
	// Key is the data key ("policy.csv", "policy.team-a.csv", or
	// BuiltinKey for the built-in policy).
	Key string `json:"key"`
	// Line is 1-based inside the value of Key.
	Line int `json:"line"`
	// Text is the line as written (untrimmed).
	Text string `json:"text"`
	// Type is the first field: p, g, or one of r, e, m (loaded and ignored).
	Type string `json:"type"`
	// Fields are the fields after the type, exactly as Argo CD reads them
	// (leading spaces trimmed, trailing spaces kept, quotes removed).
	Fields []string `json:"fields"`
}

// Subject is the first field after the type (p subject, g member).
func (l *Line) Subject() string { return l.field(0) }

// Resource, Action, Object and Effect are the p line fields.
func (l *Line) Resource() string { return l.field(1) }
func (l *Line) Action() string   { return l.field(2) }
func (l *Line) Object() string   { return l.field(3) }
func (l *Line) Effect() string   { return l.field(4) }

// Role is the second field of a g line: the role the subject is given.
func (l *Line) Role() string { return l.field(1) }

// Ignored reports whether Argo CD loads the line but never uses it (r, e, m).
func (l *Line) Ignored() bool { return l.Type != "p" && l.Type != "g" }

// Builtin reports whether the line is from Argo CD's built-in policy.
func (l *Line) Builtin() bool { return l.Key == BuiltinKey }

// Where renders the location: data["policy.csv"] line 3.
func (l *Line) Where() string { return where(l.Key, l.Line) }

func (l *Line) field(i int) string {
	if i < len(l.Fields) {
		return l.Fields[i]
	}
	return ""
}

// LineError is a line Argo CD refuses; one makes the whole policy invalid.
type LineError struct {
	Key    string `json:"key"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

func (e *LineError) Error() string { return e.Where() + ": " + e.Reason }

// Where renders the location: data["policy.csv"] line 3.
func (e *LineError) Where() string { return where(e.Key, e.Line) }

func where(key string, line int) string {
	if key == BuiltinKey {
		return fmt.Sprintf("built-in policy line %d", line)
	}
	return fmt.Sprintf("data[%s] line %d", strconv.Quote(key), line)
}

// Policy is argocd-rbac-cm as Argo CD reads it.
type Policy struct {
	// Lines are the loaded lines in Argo CD's order (without the built-in
	// policy, see Builtin()).
	Lines []*Line
	// Errors lists every line Argo CD refuses, in order.
	Errors []*LineError
	// Keys are the policy keys in composition order.
	Keys []string

	// Default is policy.default, verbatim (Argo CD does not trim it).
	Default string
	// MatchMode is policy.matchMode, verbatim; see Regex().
	MatchMode string
	// Scopes is the scopes value, verbatim; ScopesSet says whether the key exists.
	Scopes    string
	ScopesSet bool
}

// Regex reports whether Argo CD matches in regex mode: only for exactly
// "regex"; anything else (typos included) is glob.
func (p *Policy) Regex() bool { return p.MatchMode == MatchModeRegex }

// Valid reports whether Argo CD would load the policy.
func (p *Policy) Valid() bool { return len(p.Errors) == 0 }

// Err returns the line errors joined, or nil.
func (p *Policy) Err() error {
	if len(p.Errors) == 0 {
		return nil
	}
	errs := make([]error, len(p.Errors))
	for i, e := range p.Errors {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// Parse reads argocd-rbac-cm data. It returns a Policy even when lines are
// bad; p.Errors lists every line Argo CD refuses (key, line, reason).
// len(p.Errors)==0 iff Argo CD's rbac.ValidatePolicy(Compose(data)) == nil.
func Parse(data map[string]string) *Policy {
	p := &Policy{
		Keys:      PolicyKeys(data),
		Default:   data[KeyDefault],
		MatchMode: data[KeyMatchMode],
	}
	p.Scopes, p.ScopesSet = data[KeyScopes]
	for _, key := range p.Keys {
		lines, errs := parseLines(key, data[key])
		p.Lines = append(p.Lines, lines...)
		p.Errors = append(p.Errors, errs...)
	}
	return p
}

// ParseCSV reads a bare policy text (a CSV file, as `argocd admin settings
// rbac` accepts) as if it were the value of policy.csv.
func ParseCSV(text string) *Policy { return Parse(map[string]string{KeyPolicyCSV: text}) }

// parseLines splits a value on "\n" exactly as Argo CD's adapter does
// (Compose joins with "\n", so splitting each key gives the same lines as
// splitting the composed text) and reads each line.
func parseLines(key, value string) ([]*Line, []*LineError) {
	var lines []*Line
	var errs []*LineError
	for i, text := range strings.Split(value, "\n") {
		l, err := ParseLine(text)
		if err != nil {
			errs = append(errs, &LineError{Key: key, Line: i + 1, Text: text, Reason: err.Error()})
			continue
		}
		if l != nil {
			l.Key, l.Line = key, i+1
			lines = append(lines, l)
		}
	}
	return lines, errs
}

// ParseLine reads one policy line as Argo CD's loadPolicyLine does. It
// returns (nil, nil) for a line Argo CD skips (empty or a # comment), and
// an error naming the field for a line it refuses.
func ParseLine(text string) (*Line, error) {
	line := strings.TrimSpace(text)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil, nil
	}
	tokens, err := readCSVLine(line)
	if err != nil {
		return nil, err
	}
	typ := tokens[0]
	n := len(tokens)
	switch {
	case typ == "":
		return nil, errors.New("the line type (first field) is empty; it must be p or g")
	case typ == "p" && n != 6:
		return nil, fmt.Errorf("p line has %d fields, needs exactly 6 (p, sub, res, act, obj, effect)", n)
	case typ == "g" && n != 3:
		return nil, fmt.Errorf("g line has %d fields, needs exactly 3: g, subject, role", n)
	case typ != "p" && typ != "g" && typ != "r" && typ != "e" && typ != "m":
		return nil, fmt.Errorf("unknown line type %q (first field must be p or g)", typ)
	}
	return &Line{Text: text, Type: typ, Fields: tokens[1:]}, nil
}

// readCSVLine reads one record as encoding/csv does with TrimLeadingSpace.
// A line without quotes or carriage returns takes a fast path with the
// same result (split on commas, leading white space of each field
// trimmed); the fuzz tests hold it to casbin's loading through
// encoding/csv. Other lines go through encoding/csv itself.
func readCSVLine(line string) ([]string, error) {
	if !strings.ContainsAny(line, "\"\r") {
		tokens := strings.Split(line, ",")
		for i, t := range tokens {
			tokens[i] = strings.TrimLeftFunc(t, unicode.IsSpace)
		}
		return tokens, nil
	}
	r := csv.NewReader(strings.NewReader(line))
	r.TrimLeadingSpace = true
	tokens, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	return tokens, nil
}

// csvError rewords encoding/csv's error (whose line number is always 1
// here) as "column N: reason".
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("CSV quoting: column %d: %v", pe.Column, pe.Err)
	}
	return fmt.Errorf("CSV: %v", err)
}
