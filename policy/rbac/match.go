package rbac

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gobwas/glob"
)

// pattern is one res/act/obj pattern as casbin's globOrRegexMatch sees it,
// compiled on first use (a 10,000-line policy has thousands of distinct
// patterns, most never reached by a given question). Safe for concurrent use.
type pattern struct {
	text  string
	regex bool
	once  sync.Once
	m     matcher
}

func (p *pattern) match(value string) (matched, broken bool) {
	p.once.Do(func() { p.m = compilePattern(p.text, p.regex) })
	return p.m.match(value, p.regex)
}

// matcher is a compiled pattern.
type matcher struct {
	simple  *simpleGlob    // common glob shapes, matched directly
	glob    glob.Glob      // other globs
	re      *regexp.Regexp // regex mode
	invalid bool
}

// compilePattern compiles pattern the way Argo CD matches it: glob mode is
// gobwas/glob with no separators (so `*` crosses `/`); regex mode is Go's
// regexp, unanchored (regexp.MatchString). The common glob shapes are
// matched directly, exactly as gobwas/glob's own matchers for them do.
func compilePattern(pattern string, regex bool) matcher {
	if regex {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return matcher{invalid: true}
		}
		return matcher{re: re}
	}
	if sg := parseSimpleGlob(pattern); sg != nil {
		return matcher{simple: sg}
	}
	g, err := glob.Compile(pattern)
	if err != nil {
		return matcher{invalid: true}
	}
	return matcher{glob: g}
}

// match returns (matched, broken). In glob mode an invalid pattern simply
// never matches (Argo CD logs and returns false). In regex mode casbin's
// RegexMatch panics on an invalid pattern, and a few globs make gobwas/glob
// panic; either makes the whole casbin Enforce call fail: broken.
func (m matcher) match(value string, regex bool) (bool, bool) {
	switch {
	case m.invalid:
		return false, regex
	case regex:
		return m.re.MatchString(value), false
	case m.simple != nil:
		return m.simple.match(value), false
	}
	return globMatch(m.glob, value)
}

// globMatch runs a gobwas/glob matcher. Some patterns make gobwas/glob
// v0.2.3 panic on some values; in Argo CD that panic unwinds into casbin's
// Enforce, which recovers and fails the whole request: broken.
func globMatch(g glob.Glob, value string) (matched, broken bool) {
	defer func() {
		if recover() != nil {
			matched, broken = false, true
		}
	}()
	return g.Match(value), false
}

// simpleGlob is a glob of one of the shapes gobwas/glob (no separators)
// compiles to a single string test: text, *, p*, *s, p*s, *t*.
type simpleGlob struct {
	kind        byte // '=' text, 'a' any, 'p' prefix, 's' suffix, 'b' prefix+suffix, 'c' contains
	text, text2 string
}

func parseSimpleGlob(pattern string) *simpleGlob {
	if strings.ContainsAny(pattern, "?[]{}\\!\x00") || !utf8.ValidString(pattern) {
		return nil // gobwas/glob itself (it refuses invalid UTF-8, stops at NUL)
	}
	parts := strings.Split(pattern, "*")
	switch {
	case len(parts) == 1:
		return &simpleGlob{kind: '=', text: pattern}
	case strings.Trim(pattern, "*") == "":
		return &simpleGlob{kind: 'a'}
	case len(parts) == 2 && parts[1] == "":
		return &simpleGlob{kind: 'p', text: parts[0]}
	case len(parts) == 2 && parts[0] == "":
		return &simpleGlob{kind: 's', text: parts[1]}
	case len(parts) == 2:
		return &simpleGlob{kind: 'b', text: parts[0], text2: parts[1]}
	case len(parts) == 3 && parts[0] == "" && parts[2] == "" && parts[1] != "":
		return &simpleGlob{kind: 'c', text: parts[1]}
	}
	return nil
}

func (g *simpleGlob) match(v string) bool {
	switch g.kind {
	case '=':
		return v == g.text
	case 'a':
		return true
	case 'p':
		return strings.HasPrefix(v, g.text)
	case 's':
		return strings.HasSuffix(v, g.text)
	case 'b':
		// As gobwas/glob's PrefixSuffix: no length check, so "0*0" matches "0".
		return strings.HasPrefix(v, g.text) && strings.HasSuffix(v, g.text2)
	}
	return strings.Contains(v, g.text)
}

// PatternError returns why pattern can never be used in the given mode, or
// nil: an invalid glob never matches; an invalid regex breaks every request
// that reaches it.
func PatternError(pattern string, regex bool) error {
	if regex {
		_, err := regexp.Compile(pattern)
		return err
	}
	if !strings.ContainsAny(pattern, "?[]{}\\!\x00") && utf8.ValidString(pattern) {
		return nil // literal text and *: always compiles (see parseSimpleGlob)
	}
	_, err := glob.Compile(pattern)
	return err
}

// MatchPattern reports whether value matches pattern in the given mode
// (false for an invalid pattern).
func MatchPattern(pattern, value string, regex bool) bool {
	ok, _ := compilePattern(pattern, regex).match(value, regex)
	return ok
}

// Matcher matches values against patterns in one mode, compiling each
// pattern once. Not safe for concurrent use.
type Matcher struct {
	regex bool
	cache map[string]matcher
}

// NewMatcher returns a Matcher for glob (regex false) or regex mode.
func NewMatcher(regex bool) *Matcher { return &Matcher{regex: regex, cache: map[string]matcher{}} }

// Match reports whether value matches pattern (false for an invalid one).
func (m *Matcher) Match(pattern, value string) bool {
	matched, _ := m.compiled(pattern).match(value, m.regex)
	return matched
}

func (m *Matcher) compiled(pattern string) matcher {
	c, ok := m.cache[pattern]
	if !ok {
		c = compilePattern(pattern, m.regex)
		m.cache[pattern] = c
	}
	return c
}
