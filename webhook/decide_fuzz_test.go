package webhook

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// FuzzDecide holds the verdict to what the modes promise, on findings
// built from the fuzzer's bytes: audit mode and break-glass never refuse;
// enforce mode refuses exactly when a deny finding is new (one the state
// before did not have); a refusal's status stays bounded and says how many
// problems there were.
func FuzzDecide(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, []byte{1, 2}, false, false)
	f.Add([]byte{0, 0, 0, 0, 0, 0}, []byte{}, true, false)
	f.Add([]byte(strings.Repeat("\x00\x05", 500)), []byte{0}, false, true)
	f.Fuzz(func(t *testing.T, afterSpec, beforeSpec []byte, audit, breakGlass bool) {
		changed := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
		after, before := fuzzFindings(afterSpec), fuzzFindings(beforeSpec)
		mode := settings.ModeEnforce
		if audit {
			mode = settings.ModeAudit
		}
		d := Decide(changed, mode, after, before, breakGlass)

		newDeny := false
		had := preexisting(after, before)
		for i, f := range after {
			if f.Action == policy.ActionDeny && !had[i] {
				newDeny = true
			}
		}
		switch {
		case audit && !d.Allowed():
			t.Fatalf("audit mode refused: %+v", d.Verdict)
		case !audit && breakGlass && !d.Allowed():
			t.Fatalf("break-glass refused: %+v", d.Verdict)
		case !audit && !breakGlass && d.Allowed() == newDeny:
			t.Fatalf("enforce: allowed=%v with a new deny=%v", d.Allowed(), newDeny)
		case len(d.Warnings) > maxWarnings:
			t.Fatalf("%d warnings", len(d.Warnings))
		}
		if d.Verdict == VerdictDenied {
			st := DenialStatus(changed, d.Denying)
			raw, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) > 64<<10 {
				t.Fatalf("denial of %d bytes", len(raw))
			}
			if !strings.Contains(st.Message, " problem(s)") {
				t.Fatalf("denial without its count: %q", st.Message)
			}
		}
	})
}

// fuzzFindings turns bytes into findings, two bytes each: the first picks
// the rule, action and key, the second the line.
func fuzzFindings(spec []byte) []policy.Finding {
	actions := []policy.Action{policy.ActionDeny, policy.ActionWarn, policy.ActionAudit}
	ids := []string{"RBAC-001", "RBAC-007", "ACD-003", "WF-003"}
	var out []policy.Finding
	for i := 0; i+1 < len(spec) && len(out) < 2000; i += 2 {
		b := spec[i]
		out = append(out, policy.Finding{
			RuleID: ids[int(b)%len(ids)], Action: actions[int(b/4)%len(actions)],
			Location: policy.Location{Object: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"},
				Key: "policy.csv", Line: int(spec[i+1])},
			Message: strings.Repeat("bad line ", int(b%16)+1),
		})
	}
	return out
}
