package conformance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
)

// conformanceSeed fixes the generated corpus; change it only on purpose.
const conformanceSeed = 20260

const (
	conformanceCases   = 1400
	queriesPerCase     = 12
	minDecisions       = 10000 // the bar: at least 10,000 (policy, query) pairs
	maxReportedDiffers = 15
)

// TestConformance generates argocd-rbac-cm data and requests and asserts
// that argoguard's policy/rbac agrees with Argo CD's util/rbac on
//   - the composed policy text (PolicyCSV),
//   - whether the policy is valid (ValidatePolicy), and
//   - for valid policies, every Enforce decision (built-in policy, default
//     role and match mode included).
func TestConformance(t *testing.T) {
	var st stats
	var diffs []string
	report := func(c Case, format string, args ...any) {
		st.disagree++
		if len(diffs) < maxReportedDiffers {
			diffs = append(diffs, fmt.Sprintf("case %s: %s\n    data: %s", c.Name, fmt.Sprintf(format, args...), describe(c.Data)))
		}
	}
	for _, c := range Generate(conformanceSeed, conformanceCases, queriesPerCase) {
		st.cases++
		if got, want := rbac.Compose(c.Data), ArgoCompose(c.Data); got != want {
			report(c, "Compose = %q, Argo CD PolicyCSV = %q", got, want)
			continue
		}
		p := rbac.Parse(c.Data)
		argoErr := ArgoValidate(c.Data)
		st.pairs += len(c.Queries)
		if p.Valid() != (argoErr == nil) {
			report(c, "argoguard valid=%v (errors: %v), Argo CD ValidatePolicy: %v", p.Valid(), p.Err(), argoErr)
			continue
		}
		st.agree += len(c.Queries)
		if argoErr != nil {
			st.invalid++
			continue
		}
		st.valid++
		argo, err := NewArgoCD(c.Data)
		if err != nil {
			t.Fatalf("case %s: Argo CD's ValidatePolicy accepts the policy but SetUserPolicy refuses it: %v", c.Name, err)
		}
		ours, err := rbac.NewEnforcer(p)
		if err != nil {
			report(c, "rbac.NewEnforcer: %v", err)
			st.agree -= len(c.Queries)
			continue
		}
		for _, q := range c.Queries {
			want, panicked := argo.Enforce(q)
			if panicked != nil {
				st.panics++
			}
			got := ours.Enforce(q.Sub, q.Res, q.Act, q.Obj)
			st.decisions++
			if want {
				st.allowed++
			}
			if got != want {
				st.agree--
				report(c, "Enforce(%q, %q, %q, %q): argoguard %v, Argo CD %v", q.Sub, q.Res, q.Act, q.Obj, got, want)
			}
		}
	}
	t.Logf("%s", st)
	for _, d := range diffs {
		t.Error(d)
	}
	if st.decisions < minDecisions {
		t.Errorf("only %d decisions compared; the generator must produce at least %d", st.decisions, minDecisions)
	}
	if st.allowed*10 < st.decisions || st.allowed*10 > st.decisions*9 {
		t.Errorf("%d of %d decisions are allowed: the generated queries do not probe both answers", st.allowed, st.decisions)
	}
}

type stats struct {
	cases, valid, invalid      int
	pairs, agree, disagree     int
	decisions, allowed, panics int
}

func (s stats) String() string {
	return fmt.Sprintf("%d policies (%d valid, %d invalid), %d (policy, query) pairs, %d agree (%.2f%%), %d disagreements; "+
		"%d decisions compared (%d allowed), %d Argo CD panics recovered",
		s.cases, s.valid, s.invalid, s.pairs, s.agree, 100*float64(s.agree)/float64(max(s.pairs, 1)), s.disagree,
		s.decisions, s.allowed, s.panics)
}

// describe prints data compactly (Go-quoted, so blanks and CRs show).
func describe(data map[string]string) string {
	var b strings.Builder
	for _, k := range rbac.PolicyKeys(data) {
		fmt.Fprintf(&b, "%s=%q ", k, data[k])
	}
	for _, k := range []string{rbac.KeyDefault, rbac.KeyMatchMode} {
		if v, ok := data[k]; ok {
			fmt.Fprintf(&b, "%s=%q ", k, v)
		}
	}
	return b.String()
}
