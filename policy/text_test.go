package policy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEvaluateBoundsFindingText(t *testing.T) {
	huge := "p" + strings.Repeat("é", 100000) // 2-byte runes: a cut must not split one
	r, err := NewRegistry([]Rule{{ID: "RBAC-999", Title: "echo", Severity: SeverityLow, Action: ActionWarn,
		Check: func(*Snapshot) []Finding {
			return []Finding{{Message: "unknown line " + huge, Fix: "role:\xff\xfe", Location: Location{Path: huge}}}
		}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := r.Evaluate(&Snapshot{})
	if err != nil || len(fs) != 1 {
		t.Fatalf("findings %v, error %v", fs, err)
	}
	f := fs[0]
	for name, s := range map[string]string{"message": f.Message, "fix": f.Fix, "path": f.Location.Path} {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", name, s)
		}
		if len(s) > MaxFindingText {
			t.Errorf("%s is %d bytes, more than %d", name, len(s), MaxFindingText)
		}
	}
	if !strings.HasPrefix(f.Message, "unknown line pé") || !strings.HasSuffix(f.Message, "(cut)") {
		t.Errorf("message should keep its start and say it was cut: %.40q…%q", f.Message, f.Message[len(f.Message)-10:])
	}
	if f.Fix != "role:\uFFFD" {
		t.Errorf("fix: %q", f.Fix)
	}
}
