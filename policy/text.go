package policy

import (
	"strings"
	"unicode/utf8"
)

// MaxFindingText bounds each text of a finding (message, detail, fix, YAML
// path). Rules quote the user's input in their messages; a hostile value (a
// 1 MiB policy line) must not come back as a 1 MiB denial message.
const MaxFindingText = 1000

// boundText makes s valid UTF-8 (invalid bytes become U+FFFD, as they
// would in the JSON of an admission response anyway, but visibly the same
// in every report) and cuts it to MaxFindingText bytes with a note.
func boundText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) <= MaxFindingText {
		return s
	}
	const note = "… (cut)"
	cut := MaxFindingText - len(note)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + note
}

// bounded returns f with every text bounded (see boundText).
func (f Finding) bounded() Finding {
	f.Message, f.Detail, f.Fix = boundText(f.Message), boundText(f.Detail), boundText(f.Fix)
	f.Location.Path = boundText(f.Location.Path)
	return f
}
