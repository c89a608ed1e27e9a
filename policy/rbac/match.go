package rbac

import (
	"regexp"

	"github.com/gobwas/glob"
)

// matcher is one compiled res/act/obj pattern, as casbin's
// globOrRegexMatch sees it.
type matcher struct {
	glob    glob.Glob      // glob mode; nil when the pattern does not compile
	re      *regexp.Regexp // regex mode; nil when the pattern does not compile
	invalid bool
}

// compilePattern compiles pattern the way Argo CD matches it: glob mode is
// gobwas/glob with no separators (so `*` crosses `/`); regex mode is Go's
// regexp, unanchored (regexp.MatchString).
func compilePattern(pattern string, regex bool) matcher {
	if regex {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return matcher{invalid: true}
		}
		return matcher{re: re}
	}
	g, err := glob.Compile(pattern)
	if err != nil {
		return matcher{invalid: true}
	}
	return matcher{glob: g}
}

// match returns (matched, panicked). In glob mode an invalid pattern simply
// never matches (Argo CD logs and returns false). In regex mode casbin's
// RegexMatch panics on an invalid pattern, which makes the whole casbin
// Enforce call return an error, i.e. false.
func (m matcher) match(value string, regex bool) (bool, bool) {
	if m.invalid {
		return false, regex
	}
	if regex {
		return m.re.MatchString(value), false
	}
	return m.glob.Match(value), false
}

// PatternError returns why pattern can never be used in the given mode, or
// nil: an invalid glob never matches; an invalid regex breaks every request
// that reaches it.
func PatternError(pattern string, regex bool) error {
	if regex {
		_, err := regexp.Compile(pattern)
		return err
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
