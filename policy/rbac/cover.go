package rbac

// Pattern coverage: when one res/act/obj pattern certainly matches every
// value another one matches. The semantic diff (RBAC-017, `argoguard rbac
// diff`) and RBAC-014's "shadowed" use it to stay quiet about a line that
// adds nothing; a wrong "yes" hides a real grant from a reviewer, so every
// rule here is proven and anything else is "no" (the line is reported).
//
// Matching one pattern against the other's text is not coverage: the glob
// a? matches the text "a*", yet a* matches abc and a? does not.

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Covers reports whether wide certainly covers narrow in the given mode:
// every value narrow matches, wide matches too, and narrow never breaks a
// request that wide would not (a gobwas/glob panic or an invalid regex
// fails the whole Enforce call). Equal patterns cover each other.
//
// Glob mode (gobwas/glob, no separators) decides it exactly for narrow of
// the shapes text, *, p*, *s, p*s and *t* (which never panic) against wide
// of the same shapes, and for literal narrow against any wide (by matching
// it). Regex mode knows only wide "" and ".*" (match everything), anchored
// literal narrow ^text$ (by matching it) and unanchored literals (wide a
// substring of narrow). Everything else is false.
func Covers(wide, narrow string, regex bool) bool {
	return coverWith(wide, narrow, regex, func(p, v string) bool { return MatchPattern(p, v, regex) }, parseSimpleGlob)
}

// Covers is Covers with the Matcher's mode and compiled patterns.
func (m *Matcher) Covers(wide, narrow string) bool {
	return coverWith(wide, narrow, m.regex, m.Match, m.simpleGlob)
}

// simpleGlob returns the compiled simple shape of a glob, or nil.
func (m *Matcher) simpleGlob(pattern string) *simpleGlob { return m.compiled(pattern).simple }

func coverWith(wide, narrow string, regex bool, match func(pattern, value string) bool, simple func(string) *simpleGlob) bool {
	if wide == narrow {
		return true
	}
	if regex {
		return regexCovers(wide, narrow, match)
	}
	n := simple(narrow)
	if n == nil {
		return false // ?, [...], {...}, escapes, invalid UTF-8: unknown language, may panic
	}
	if n.kind == '=' {
		return match(wide, n.text) // narrow matches this one value only
	}
	w := simple(wide)
	if w == nil {
		return false
	}
	return simpleCovers(w, n)
}

// simpleCovers decides L(n) ⊆ L(w) for two simple globs, n not a literal.
// The languages: a = every string; p = has prefix text; s = has suffix
// text; b = has prefix text and suffix text2 (they may overlap, as in
// gobwas/glob); c = contains text. Literal w matches one value and n
// matches infinitely many. The texts of p, s, b and c are never empty.
func simpleCovers(w, n *simpleGlob) bool {
	switch w.kind {
	case 'a':
		return true
	case '=':
		return false
	}
	switch n.kind {
	case 'a':
		return false // w is not 'a': some value misses it
	case 'p':
		return (w.kind == 'p' && strings.HasPrefix(n.text, w.text)) ||
			(w.kind == 'c' && strings.Contains(n.text, w.text))
	case 's':
		return (w.kind == 's' && strings.HasSuffix(n.text, w.text)) ||
			(w.kind == 'c' && strings.Contains(n.text, w.text))
	case 'b':
		switch w.kind {
		case 'p':
			return strings.HasPrefix(n.text, w.text)
		case 's':
			return strings.HasSuffix(n.text2, w.text)
		case 'b':
			return strings.HasPrefix(n.text, w.text) && strings.HasSuffix(n.text2, w.text2)
		case 'c':
			return strings.Contains(n.text, w.text) || strings.Contains(n.text2, w.text)
		}
	case 'c':
		return w.kind == 'c' && strings.Contains(n.text, w.text)
	}
	return false
}

// regexCovers: Argo CD's regex mode is regexp.MatchString, unanchored.
func regexCovers(wide, narrow string, match func(pattern, value string) bool) bool {
	if _, err := regexp.Compile(narrow); err != nil {
		return false // breaks every request that reaches it
	}
	if wide == "" || wide == ".*" {
		return true // matches at the start of any value
	}
	if lit, ok := strings.CutPrefix(narrow, "^"); ok {
		if lit, ok = strings.CutSuffix(lit, "$"); ok && regexLiteral(lit) {
			return match(wide, lit) // without (?m), ^text$ matches text only
		}
	}
	// narrow matches every value containing it; so does any part of it.
	return regexLiteral(narrow) && regexLiteral(wide) && strings.Contains(narrow, wide)
}

// regexLiteral: s compiles to a regex that matches s itself only.
func regexLiteral(s string) bool {
	return utf8.ValidString(s) && regexp.QuoteMeta(s) == s
}
