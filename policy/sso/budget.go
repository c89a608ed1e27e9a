package sso

// The node and depth budgets, checked on the text before yaml.v3 builds a
// tree. yaml.v3 builds a whole document (a few hundred bytes per node)
// before anything can count its nodes, so a value of a few hundred KiB
// written as a flow list costs tens of MiB of heap first. This scan reads
// the text once, without allocating, and counts what is certainly a node:
// block sequence entries ("- "), block mapping keys, flow collection entries
// (each "," follows one), and flow nesting. Text it cannot place for
// certain (block scalars, continued plain scalars, quoted scalars,
// comments, later documents) is skipped, so the counts never exceed the
// tree's and the exact check after parsing stays the judge of what is
// allowed; the scan only refuses earlier what that check would refuse.

import (
	"fmt"
	"strings"
)

// CheckBudget refuses a YAML value that certainly exceeds the limits on
// one value (size, nodes, nesting), without building a tree. Callers
// that decode YAML without parseValue call it first.
func CheckBudget(text string) error {
	if len(text) > MaxValueBytes {
		return Problem{Msg: fmt.Sprintf("value is %d bytes, more than the %d a ConfigMap can hold", len(text), MaxValueBytes)}
	}
	b := lowerBounds(text)
	if b.depthLine > 0 {
		return Problem{Line: b.depthLine, Msg: fmt.Sprintf("nested more than %d levels deep", MaxDepth)}
	}
	if b.nodesLine > 0 {
		return Problem{Line: b.nodesLine, Msg: fmt.Sprintf("more than %d YAML nodes", MaxNodes)}
	}
	return nil
}

// yamlBounds are lower bounds on the node count and nesting of the first
// document of a YAML text, with the lines where they passed the limits.
type yamlBounds struct {
	nodes, depth         int
	nodesLine, depthLine int // 0: the limit was not passed
}

// noSkip marks that no scalar continues on more indented lines.
const noSkip = -2

type boundScanner struct {
	b    yamlBounds
	line int
	done bool // a second document starts: yaml.v3 reads only the first
	seen bool // content of the first document was seen

	quote byte // a quoted scalar is open across lines

	flow       int  // open flow collections
	tokenStart bool // in flow: the next character may begin a node
	property   bool // in flow: an anchor or tag was just read
	afterJSON  bool // in flow: a quoted scalar or a collection just ended

	// skipOver: lines indented more than this continue a block or plain
	// scalar; opener: the column of the last key or "-" whose node starts
	// on a later line (-1 at the root).
	skipOver, opener int
	// rootFlow: the document is one flow collection; yaml.v3 reads no
	// further once it closes.
	rootFlow bool
	// rootIndent: the indentation of the document's first line; a line
	// indented less ends the root node, and yaml.v3 reads no further.
	rootIndent int
}

func lowerBounds(text string) yamlBounds {
	s := boundScanner{skipOver: noSkip, opener: -1}
	for len(text) > 0 && !s.done {
		end, next := len(text), len(text)
		if i := strings.IndexAny(text, "\r\n"); i >= 0 {
			end, next = i, i+1
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				next = i + 2
			}
		}
		s.line++
		s.scanLine(text[:end])
		text = text[next:]
	}
	return s.b
}

func (s *boundScanner) addNode() {
	s.b.nodes++
	if s.b.nodes > MaxNodes && s.b.nodesLine == 0 {
		s.b.nodesLine = s.line
	}
}

func (s *boundScanner) scanLine(ln string) {
	if s.quote != 0 {
		i := closeQuote(ln, 0, s.quote)
		if i < 0 {
			return
		}
		s.quote = 0
		if s.flow > 0 {
			s.tokenStart, s.afterJSON = false, true
			s.scanFlow(ln, i)
		}
		return // in block context the rest is a comment
	}
	if s.flow > 0 {
		s.scanFlow(ln, 0)
		return
	}
	indent := 0
	for indent < len(ln) && ln[indent] == ' ' {
		indent++
	}
	if indent == len(ln) {
		return // blank
	}
	if s.skipOver != noSkip {
		if indent > s.skipOver {
			return
		}
		s.skipOver = noSkip
	}
	if c := ln[indent]; c == '#' || c == '\t' {
		return
	}
	pos := indent
	if indent == 0 {
		switch {
		case marker(ln, "..."):
			s.done = true
			return
		case marker(ln, "---"):
			if s.seen {
				s.done = true
				return
			}
			pos = 3
		case ln[0] == '%' && !s.seen:
			return // a directive
		}
	}
	if !s.seen {
		s.seen, s.rootIndent = true, indent
	} else if indent < s.rootIndent {
		s.done = true
		return
	}
	s.scanBlock(ln, pos)
}

// marker reports whether ln starts with a document marker.
func marker(ln, m string) bool {
	return strings.HasPrefix(ln, m) && blankAt(ln, len(m))
}

// blankAt reports whether ln has a space, a tab or its end at i.
func blankAt(ln string, i int) bool {
	return i >= len(ln) || ln[i] == ' ' || ln[i] == '\t'
}

// scanBlock reads a line in block context from pos: indicators, keys and
// the start of one node.
func (s *boundScanner) scanBlock(ln string, pos int) {
	col := s.opener // a node starting this line belongs to the last opener
	s.opener = -1
	for {
		for pos < len(ln) && (ln[pos] == ' ' || ln[pos] == '\t') {
			pos++
		}
		if pos >= len(ln) || ln[pos] == '#' {
			s.opener = col // the node starts on a later line
			return
		}
		c := ln[pos]
		switch {
		case (c == '-' || c == '?') && blankAt(ln, pos+1):
			if c == '-' {
				s.addNode()
			}
			col = pos
			pos++
		case c == '&' || c == '!':
			// An anchor or a tag, then a blank: anything else is a
			// node this scan does not read.
			for pos < len(ln) && ln[pos] != ' ' && ln[pos] != '\t' && (c == '!' || strings.IndexByte(",[]{}", ln[pos]) < 0) {
				pos++
			}
			if !blankAt(ln, pos) {
				return
			}
		case c == '[' || c == '{':
			s.rootFlow = col == -1
			s.scanFlow(ln, pos)
			return
		case c == '|' || c == '>':
			s.skipOver = col
			return
		case c == '"' || c == '\'':
			end := closeQuote(ln, pos+1, c)
			if end < 0 {
				s.quote = c
				s.done = col == -1 // the document is this scalar
				return
			}
			if end < len(ln) && ln[end] == ':' && blankAt(ln, end+1) {
				s.addNode() // a quoted key
				col, pos = pos, end+1
				continue
			}
			s.done = col == -1 // the document is this scalar
			return
		case strings.IndexByte("*,]}%@`:", c) >= 0:
			return // an alias, or not a node start this scan knows
		default:
			k := plainKeyEnd(ln, pos)
			if k < 0 {
				s.skipOver = col // a plain scalar may continue on the next lines
				return
			}
			s.addNode()
			col, pos = pos, k+1
		}
	}
}

// plainKeyEnd returns the index of the ':' ending a plain key starting at
// pos, or -1 when the plain scalar is not a key.
func plainKeyEnd(ln string, pos int) int {
	for j := pos; j < len(ln); j++ {
		switch ln[j] {
		case ':':
			if blankAt(ln, j+1) {
				return j
			}
		case ' ', '\t':
			if j+1 < len(ln) && ln[j+1] == '#' {
				return -1
			}
		}
	}
	return -1
}

// closeQuote returns the index after the quote closing a scalar opened
// with q, searching from i, or -1 when it does not close on this line.
func closeQuote(ln string, i int, q byte) int {
	for ; i < len(ln); i++ {
		switch {
		case q == '"' && ln[i] == '\\':
			i++
		case ln[i] == q:
			if q == '\'' && i+1 < len(ln) && ln[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return -1
}

// scanFlow reads flow context from i to the end of the line or of the
// outermost collection.
func (s *boundScanner) scanFlow(ln string, i int) {
	for ; i < len(ln); i++ {
		c := ln[i]
		switch c {
		case '[', '{':
			s.flow++
			if s.flow > s.b.depth {
				s.b.depth = s.flow
				if s.flow > MaxDepth && s.b.depthLine == 0 {
					s.b.depthLine = s.line
				}
			}
			s.tokenStart, s.property, s.afterJSON = true, false, false
		case ']', '}':
			s.flow--
			s.tokenStart, s.property, s.afterJSON = false, false, true
			if s.flow == 0 {
				s.done = s.rootFlow
				return // the rest of the line is a comment, or this was a key
			}
		case ',':
			s.addNode()
			s.tokenStart, s.property, s.afterJSON = true, false, false
		case ' ', '\t':
			if s.property {
				s.tokenStart, s.property = true, false
			}
		case '#':
			if i == 0 || ln[i-1] == ' ' || ln[i-1] == '\t' {
				return
			}
			s.tokenStart, s.afterJSON = false, false
		case ':':
			if s.afterJSON || blankAt(ln, i+1) || strings.IndexByte(",[]{}", ln[i+1]) >= 0 {
				s.tokenStart = true
			} else {
				s.tokenStart = false
			}
			s.afterJSON = false
		case '"', '\'':
			if !s.tokenStart {
				s.afterJSON = false
				continue // inside a plain scalar
			}
			end := closeQuote(ln, i+1, c)
			if end < 0 {
				s.quote = c
				return
			}
			i = end - 1
			s.tokenStart, s.afterJSON = false, true
		case '&', '!':
			if s.tokenStart {
				s.property = true
			}
			s.tokenStart, s.afterJSON = false, false
		case '?':
			if !(s.tokenStart && blankAt(ln, i+1)) {
				s.tokenStart = false
			}
			s.afterJSON = false
		default:
			s.tokenStart, s.afterJSON = false, false
		}
	}
}
