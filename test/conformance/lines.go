package conformance

import (
	"math/rand/v2"
	"strings"
)

// Rendering of policy lines: the same logical line can be written many ways
// (separators, quoting, surrounding blanks), and the ways Argo CD refuses or
// silently mis-reads a line.

// csvQuote writes f as a quoted CSV field.
func csvQuote(f string) string { return `"` + strings.ReplaceAll(f, `"`, `""`) + `"` }

// field renders one value so that encoding/csv with TrimLeadingSpace reads
// it back unchanged: quoted when it must be, sometimes quoted anyway.
func field(r *rand.Rand, f string) string {
	if strings.ContainsAny(f, `,"`) || strings.TrimLeft(f, " \t\u00a0") != f || strings.HasPrefix(f, "#") || r.IntN(12) == 0 {
		return csvQuote(f)
	}
	return f
}

var separators = []string{", ", ", ", ", ", ",", ",  ", ",\t", " ,"}

// render joins a line type and its fields with one separator style. The
// separator " ," leaves a trailing blank on the field before it, which Argo
// CD keeps (the subject "bob " is not "bob"); render only picks it when
// trailing is true, and mostly not after a quoted field (`"bob" ,` is a
// CSV error, which the invalid lines already cover).
func render(r *rand.Rand, typ string, fields []string, trailing bool) string {
	sep := separators[r.IntN(len(separators)-1)]
	if trailing && r.IntN(3) == 0 {
		sep = separators[len(separators)-1]
	}
	var b strings.Builder
	b.WriteString(typ)
	prevQuoted := true // "p ," would be the unknown type "p "
	for _, f := range fields {
		if sep == " ," && prevQuoted && r.IntN(8) != 0 {
			b.WriteString(",")
		} else {
			b.WriteString(sep)
		}
		rf := field(r, f)
		prevQuoted = strings.HasSuffix(rf, `"`)
		b.WriteString(rf)
	}
	line := b.String()
	switch r.IntN(10) {
	case 0:
		line = "  " + line
	case 1:
		line += " \t"
	}
	return line
}

// invalidLines are lines Argo CD's loadPolicyLine refuses (so the whole
// policy is refused). Each is a template over a valid p or g line.
var invalidLines = []func(r *rand.Rand) string{
	func(*rand.Rand) string { return "p, bob, applications, get, */*" },               // 5 fields
	func(*rand.Rand) string { return "p, bob, applications, get, */*, allow, extra" }, // 7 fields
	func(*rand.Rand) string { return "p, bob, applications, get, */*, allow," },       // trailing comma
	func(*rand.Rand) string { return "g, bob" },
	func(*rand.Rand) string { return "g, bob, role:admin, extra" },
	func(*rand.Rand) string { return "g, bob, role:admin," },
	func(*rand.Rand) string { return "P, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "p2, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "G, bob, role:admin" },
	func(*rand.Rand) string { return "g2, bob, role:admin" },
	func(*rand.Rand) string { return "pp, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return `p, bo"b, applications, get, */*, allow` },   // bare quote
	func(*rand.Rand) string { return `p, "bob, applications, get, */*, allow` },   // unterminated
	func(*rand.Rand) string { return `p, "bob"x, applications, get, */*, allow` }, // text after quote
	func(*rand.Rand) string { return `p, "bob" , applications, get, */*, allow` }, // blank after quote
	func(*rand.Rand) string { return ", role:x, applications, get, */*, allow" },
	func(*rand.Rand) string { return "foo" },
	func(*rand.Rand) string { return "p" },
	func(*rand.Rand) string { return "g" },
	func(*rand.Rand) string { return `""` },
	func(*rand.Rand) string { return "," },
	func(*rand.Rand) string { return "this, is, not, a, good, policy" },
	func(*rand.Rand) string { return "p\t, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "p , bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "'p', bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "\ufeffp, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, allow\rg, bob, role:admin" },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, allow # note, more" },
	func(*rand.Rand) string { return "//p, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return "p, role:Myrole, applications, *, myproj/* allow" },
	func(*rand.Rand) string { return "p;bob;applications;get;*/*;allow" },
	func(*rand.Rand) string { return "p, \"bob\nx\", applications, get, */*, allow" }, // quoted field across lines
	func(*rand.Rand) string { return "\"this\ttoo\"" },
	func(*rand.Rand) string { return "g, bob, role:admin\u00a0,x" },
}

// oddValidLines are lines that look wrong but that Argo CD loads: r/e/m
// lines (they name model sections), a quoted type, empty fields, comments.
var oddValidLines = []func(r *rand.Rand) string{
	func(*rand.Rand) string { return "r, a, b, c, d" },
	func(*rand.Rand) string { return "e, foo" },
	func(*rand.Rand) string { return "m, foo" },
	func(*rand.Rand) string { return "r" },
	func(*rand.Rand) string { return "m, a, b, c, d, e, f, g" },
	func(*rand.Rand) string { return `"p", bob, applications, get, */*, allow` },
	func(*rand.Rand) string { return `"g", bob, role:readonly` },
	func(*rand.Rand) string { return "g,,role:readonly" },
	func(*rand.Rand) string { return "p,,,,," },
	func(*rand.Rand) string { return "p, , , , , " },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, " },
	func(*rand.Rand) string { return "#" },
	func(*rand.Rand) string { return "# p, bob, applications, get, */*, allow" },
	func(*rand.Rand) string { return `  # "unterminated, comment` },
	func(*rand.Rand) string { return "#p, bob, applications, get, */*, allow, extra, fields" },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, allow # why: ticket 42" },
	func(*rand.Rand) string { return `p, "role,admin", projects, delete, *, allow` },
	func(*rand.Rand) string { return ` p, role:admin, projects, delete, *, allow ` },
	func(*rand.Rand) string { return `p, "say ""hi""", applications, get, */*, allow` },
	func(*rand.Rand) string { return `p, " bob", applications, get, */*, allow` },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, \"allow\"" },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, \"allow \"" },
	func(*rand.Rand) string { return "g, bob\r, role:admin" },
	func(*rand.Rand) string { return "g, \u00a0bob, role:admin" },
	func(*rand.Rand) string { return "p, bob, applications, get, */*, allow\r" },
	func(*rand.Rand) string { return "\t\t" },
}

// comments are whole-line comments and blank lines Argo CD skips.
var comments = []string{
	"# team policies", "   # indented comment", "#", "# p, *, *, *, *, allow", "", "  ", "\t", "#, , ,",
}
