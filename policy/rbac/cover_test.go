package rbac

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gobwas/glob"
)

func TestCovers(t *testing.T) {
	tests := []struct {
		wide, narrow string
		regex        bool
		want         bool
		why          string
	}{
		{"*/*", "prod/*", false, true, "contains / vs prefix prod/"},
		{"*", "prod-?", false, false, "? narrow: shape unknown to the proof"},
		{"*", "anything*x", false, true, "* matches every value"},
		{"**", "p*", false, true, "a run of stars is *"},
		{"a?", "a*", false, false, "a* matches abc and a; a? matches neither (the reported gap)"},
		{"a*", "a?", false, false, "? narrow is left to the report, though true"},
		{"a*", "abc", false, true, "literal narrow: matched once"},
		{"a?", "ab", false, true, "literal narrow against a ? glob"},
		{"[ab]c", "bc", false, true, "literal narrow against a class"},
		{"{a,b}*", "bz", false, true, "literal narrow against alternatives"},
		{"aa{{", "aa", false, false, "a wide glob that panics on the value does not match it"},
		{"prod-*", "prod-a*", false, true, "longer prefix"},
		{"prod-a*", "prod-*", false, false, "shorter prefix"},
		{"*-a", "x*y-a", false, true, "prefix+suffix inside a suffix"},
		{"*/*", "team-*", false, false, "team-x has no /"},
		{"*a*", "x*a", false, true, "the suffix contains a"},
		{"*ab*", "*b*", false, false, "b alone lacks ab"},
		{"*b*", "*ab*", false, true, "contains ab contains b"},
		{"a*", "a*a", false, true, "gobwas: a*a matches a and more, all start with a"},
		{"a*a", "a*", false, false, "ab is no a*a"},
		{"*", "", false, true, "the empty literal"},
		{"", "*", false, false, "the empty literal matches only the empty value"},
		{"x*", "x**", false, false, "x** is not a shape of the proof (over-report)"},
		{"a?", "a?", false, true, "equal"},
		{"p/\\*", "p/*", false, false, "escaped star matches only p/*"},
		{"p/*", "p/\\*", false, false, "escapes narrow: not proven (over-report)"},

		{".*", "prod/.*", true, true, ".* matches everything unanchored"},
		{"", "x", true, true, "the empty regex matches everything"},
		{"prod", "prod/a", true, true, "unanchored literal inside an unanchored literal"},
		{"prod/a", "prod", true, false, "prod matches xprodx, prod/a does not"},
		{"^prod/.*$", "^prod/a$", true, true, "anchored literal narrow matched once"},
		{"prod.*", "prod/.*", true, false, "regex narrow: not proven"},
		{".*", "(", true, false, "an invalid narrow breaks requests"},
		{"(", "^a$", true, false, "an invalid wide matches nothing"},
		{"a", "a\xff", true, false, "invalid UTF-8 does not compile"},
		{"a.c", "abc", true, false, "unanchored narrow: not a single value"},
		{"(?m)^a", "^a$", true, true, "anchored literal against any regex"},
	}
	for _, tt := range tests {
		if got := Covers(tt.wide, tt.narrow, tt.regex); got != tt.want {
			t.Errorf("Covers(%q, %q, regex %v) = %v, want %v: %s", tt.wide, tt.narrow, tt.regex, got, tt.want, tt.why)
		}
		if got := NewMatcher(tt.regex).Covers(tt.wide, tt.narrow); got != tt.want {
			t.Errorf("Matcher.Covers(%q, %q, regex %v) = %v, want %v", tt.wide, tt.narrow, tt.regex, got, tt.want)
		}
	}
}

// coverPool holds glob and regex patterns of every shape the proofs know
// and some they do not.
var coverPool = []string{
	"", "*", "**", "***", "a", "ab", "a*", "ab*", "*a", "*ba", "a*a", "ab*ba", "a*b", "*a*", "*ab*", "*b*",
	"a?", "?", "a?*", "[ab]*", "{a,b}*", "*/*", "p/*", "p*/*", "*/a", "a**", "**a", "a*b*", "p/\\*", "aa{{",
	".*", "^a$", "^ab$", "a.", "^a", "a$", "(", "a|b", "ab|", "^$",
}

// coverValues are values around each pattern's edges: its text with every
// * replaced by "", "a", "b/", "ab" or "*", and some fixed ones.
func coverValues(patterns []string) []string {
	vals := []string{"", "a", "b", "aa", "ab", "ba", "aba", "abc", "p/a", "p/*", "x/a", "*", "a*", "\n", "a\nb"}
	for _, p := range patterns {
		for _, r := range []string{"", "a", "b/", "ab", "*"} {
			vals = append(vals, strings.ReplaceAll(p, "*", r), strings.Trim(p, "^$"))
		}
	}
	return vals
}

// oracle matches as Argo CD does, with the libraries themselves: gobwas/glob
// (a compile error never matches, a panic breaks the request) or Go regexp
// (a compile error breaks every request that reaches it).
func oracle(pattern, value string, regex bool) (matched, broken bool) {
	if regex {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return false, true
		}
		return re.MatchString(value), false
	}
	g, err := glob.Compile(pattern)
	if err != nil {
		return false, false
	}
	defer func() {
		if recover() != nil {
			matched, broken = false, true
		}
	}()
	return g.Match(value), false
}

// checkCover fails if Covers claims wide covers narrow but value shows
// otherwise: narrow matches and wide does not, or narrow breaks and wide
// does not.
func checkCover(t *testing.T, wide, narrow, value string, regex bool) {
	t.Helper()
	if !Covers(wide, narrow, regex) {
		return
	}
	nm, nb := oracle(narrow, value, regex)
	wm, wb := oracle(wide, value, regex)
	if (nm && !wm) || (nb && !wb) {
		t.Fatalf("Covers(%q, %q, regex %v), but on %q narrow matches %v (breaks %v), wide %v (breaks %v)", wide, narrow, regex, value, nm, nb, wm, wb)
	}
}

func TestCoversIsSound(t *testing.T) {
	vals := coverValues(coverPool)
	claims := 0
	for _, regex := range []bool{false, true} {
		for _, w := range coverPool {
			for _, n := range coverPool {
				if Covers(w, n, regex) {
					claims++
				}
				for _, v := range vals {
					checkCover(t, w, n, v, regex)
				}
			}
		}
	}
	if claims < 100 {
		t.Fatalf("only %d coverage claims over the pool: the check proves little", claims)
	}
}

func FuzzCovers(f *testing.F) {
	for _, s := range [][3]string{{"a?", "a*", "abc"}, {"*/*", "p/*", "p/a"}, {"a*", "a*a", "a"}, {"*b*", "*ab*", "xab"}, {"a*", "a*b", "ab"}, {".*", "^a$", "a"}, {"a", "ab", "xab"}, {`\*`, "*", "x"}, {"*", "aa{{", "aa"}} {
		f.Add(s[0], s[1], s[2], false)
		f.Add(s[0], s[1], s[2], true)
	}
	f.Fuzz(func(t *testing.T, wide, narrow, value string, regex bool) {
		if a, b := Covers(wide, narrow, regex), NewMatcher(regex).Covers(wide, narrow); a != b {
			t.Fatalf("Covers(%q, %q, regex %v) = %v, Matcher.Covers %v", wide, narrow, regex, a, b)
		}
		checkCover(t, wide, narrow, value, regex)
		// Values built from narrow reach its edges faster than random ones.
		for _, r := range []string{"", value} {
			checkCover(t, wide, narrow, strings.ReplaceAll(narrow, "*", r), regex)
		}
	})
}

// BenchmarkMatcherCovers: RBAC-014's worst case per subject, 200 lines
// compared pairwise (maxPairLines).
func BenchmarkMatcherCovers(b *testing.B) {
	var pats []string
	for i := 0; i < 100; i++ {
		pats = append(pats, fmt.Sprintf("team-%d/*", i), fmt.Sprintf("team-%d/app1", i))
	}
	covered := 0
	for b.Loop() {
		m := NewMatcher(false)
		for _, w := range pats {
			for _, n := range pats {
				if m.Covers(w, n) {
					covered++
				}
			}
		}
	}
	b.ReportMetric(float64(covered)/float64(b.N), "covered/op")
}
