package conformance

import (
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
)

// The corpus is fixed: CI always runs the same cases. -seed and -cases
// explore further by hand (go test -run TestConformance -args -seed 7 -cases 50000).
var (
	conformanceSeed  = flag.Uint64("seed", 20260, "generator seed")
	conformanceCases = flag.Int("cases", 3000, "number of generated policies")
)

const (
	queriesPerCase     = 12
	minPairs           = 10000 // the bar: at least 10,000 (policy, query) pairs
	maxReportedDiffers = 15
)

// TestConformance generates argocd-rbac-cm data and requests and asserts
// that argoguard's policy/rbac agrees with Argo CD's util/rbac on
//   - the composed policy text (PolicyCSV),
//   - whether the policy is valid (ValidatePolicy), and
//   - for valid policies, every Enforce decision (built-in policy, default
//     role and match mode included), and every answer for a logged-in user
//     with group claims.
func TestConformance(t *testing.T) {
	cases, answers := corpus()
	st, diffs := compare(cases, answers, argoguard)
	t.Logf("%s", st)
	for _, d := range diffs {
		t.Error(d)
	}
	if st.decisions < minPairs {
		t.Errorf("only %d decisions compared; the generator must produce at least %d", st.decisions, minPairs)
	}
	if st.allowed*10 < st.decisions || st.allowed*10 > st.decisions*9 {
		t.Errorf("%d of %d decisions are allowed: the generated queries do not probe both answers", st.allowed, st.decisions)
	}
}

// engine is the argoguard side of the comparison: how data is read and
// how an enforcer is built from it.
type engine struct {
	compose     func(map[string]string) string
	parse       func(map[string]string) *rbac.Policy
	newEnforcer func(*rbac.Policy) (*rbac.Enforcer, error)
	// claims answers for a logged-in user; nil: Enforcer.EnforceClaims.
	claims func(e *rbac.Enforcer, user string, groups []string, res, act, obj string) bool
}

// argoguard is policy/rbac as the webhook and the CLI use it.
var argoguard = engine{compose: rbac.Compose, parse: rbac.Parse, newEnforcer: rbac.NewEnforcer}

// argoAnswer is what Argo CD says about one case.
type argoAnswer struct {
	compose   string
	validErr  error  // ValidatePolicy
	loadErr   error  // SetUserPolicy, for a policy ValidatePolicy accepts
	decisions []bool // per query, for a valid policy
	claims    []bool // per query, as a logged-in user with Groups[i]
	panics    int
}

// askArgoCD runs every case through Argo CD's util/rbac.
func askArgoCD(cases []Case) []argoAnswer {
	out := make([]argoAnswer, len(cases))
	for i, c := range cases {
		ans := &out[i]
		ans.compose = ArgoCompose(c.Data)
		if ans.validErr = ArgoValidate(c.Data); ans.validErr != nil {
			continue
		}
		argo, err := NewArgoCD(c.Data)
		if err != nil {
			ans.loadErr = err
			continue
		}
		for _, q := range c.Queries {
			allowed, panicked := argo.Enforce(q)
			if panicked != nil {
				ans.panics++
			}
			ans.decisions = append(ans.decisions, allowed)
		}
		for j, q := range c.Queries {
			allowed, panicked := argo.EnforceClaims(q.Sub, c.Groups[j], q)
			if panicked != nil {
				ans.panics++
			}
			ans.claims = append(ans.claims, allowed)
		}
	}
	return out
}

// corpus is the generated cases with Argo CD's answers, computed once for
// all tests. Case i depends only on (seed, i), so a prefix of it is the
// corpus Generate(conformanceSeed, n) would give.
var corpus = sync.OnceValues(func() ([]Case, []argoAnswer) {
	cases := Generate(*conformanceSeed, *conformanceCases, queriesPerCase)
	return cases, askArgoCD(cases)
})

// compare checks eng against Argo CD's answers and counts agreement.
// A pair is one (policy, query); for a policy both refuse, its pairs agree
// on the verdict alone.
func compare(cases []Case, answers []argoAnswer, eng engine) (stats, []string) {
	var st stats
	var diffs []string
	report := func(c Case, format string, args ...any) {
		st.disagree++
		if len(diffs) < maxReportedDiffers {
			diffs = append(diffs, fmt.Sprintf("case %s: %s\n    data: %s", c.Name, fmt.Sprintf(format, args...), describe(c.Data)))
		}
	}
	for i, c := range cases {
		ans := answers[i]
		st.cases++
		st.pairs += len(c.Queries)
		if got := eng.compose(c.Data); got != ans.compose {
			report(c, "Compose = %q, Argo CD PolicyCSV = %q", got, ans.compose)
			continue
		}
		p := eng.parse(c.Data)
		if p.Valid() != (ans.validErr == nil) {
			report(c, "argoguard valid=%v (errors: %v), Argo CD ValidatePolicy: %v", p.Valid(), p.Err(), ans.validErr)
			continue
		}
		if ans.validErr != nil {
			st.invalid++
			st.agree += len(c.Queries)
			continue
		}
		st.valid++
		if ans.loadErr != nil {
			report(c, "Argo CD's ValidatePolicy accepts the policy but SetUserPolicy refuses it: %v", ans.loadErr)
			continue
		}
		ours, err := eng.newEnforcer(p)
		if err != nil {
			report(c, "rbac.NewEnforcer: %v", err)
			continue
		}
		st.panics += ans.panics
		for j, q := range c.Queries {
			want := ans.decisions[j]
			got := ours.Enforce(q.Sub, q.Res, q.Act, q.Obj)
			st.decisions++
			if want {
				st.allowed++
			}
			if got != want {
				report(c, "Enforce(%q, %q, %q, %q): argoguard %v, Argo CD %v", q.Sub, q.Res, q.Act, q.Obj, got, want)
				continue
			}
			st.agree++
			st.claims++
			claims := (*rbac.Enforcer).EnforceClaims
			if eng.claims != nil {
				claims = eng.claims
			}
			if got, want := claims(ours, q.Sub, c.Groups[j], q.Res, q.Act, q.Obj), ans.claims[j]; got != want {
				report(c, "EnforceClaims(user %q, groups %q, %q, %q, %q): argoguard %v, Argo CD %v", q.Sub, c.Groups[j], q.Res, q.Act, q.Obj, got, want)
				st.claimsDisagree++
			}
		}
	}
	return st, diffs
}

type stats struct {
	cases, valid, invalid      int
	pairs, agree, disagree     int
	decisions, allowed, panics int
	claims, claimsDisagree     int // logged-in user with group claims
}

func (s stats) String() string {
	return fmt.Sprintf("%d policies (%d valid, %d invalid), %d (policy, query) pairs, %d agree (%.2f%%), %d disagreements; "+
		"%d decisions compared (%d allowed), %d Argo CD panics recovered; %d claims decisions (user + groups), %d disagree",
		s.cases, s.valid, s.invalid, s.pairs, s.agree, 100*float64(s.agree)/float64(max(s.pairs, 1)), s.disagree,
		s.decisions, s.allowed, s.panics, s.claims, s.claimsDisagree)
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

// TestConformanceDetectsDifferences feeds the same corpus to deliberately
// wrong readings of argocd-rbac-cm: each must disagree with Argo CD, which
// shows the corpus reaches that behaviour (and that the comparison can fail).
func TestConformanceDetectsDifferences(t *testing.T) {
	cases, answers := corpus()
	n := min(len(cases), 1000)
	cases, answers = cases[:n], answers[:n]
	onlyPolicyCSV := func(data map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range data {
			if k == rbac.KeyPolicyCSV || !strings.HasSuffix(k, ".csv") {
				out[k] = v
			}
		}
		return out
	}
	wrong := map[string]engine{
		"overlays ignored": {
			compose:     rbac.Compose,
			parse:       func(d map[string]string) *rbac.Policy { return rbac.Parse(onlyPolicyCSV(d)) },
			newEnforcer: rbac.NewEnforcer,
		},
		"no built-in policy": {compose: rbac.Compose, parse: rbac.Parse, newEnforcer: func(p *rbac.Policy) (*rbac.Enforcer, error) {
			return rbac.NewEnforcerWith(p, p.Default, false)
		}},
		"default role ignored": {compose: rbac.Compose, parse: rbac.Parse, newEnforcer: func(p *rbac.Policy) (*rbac.Enforcer, error) {
			return rbac.NewEnforcerWith(p, "", true)
		}},
		"default role trimmed": {compose: rbac.Compose, parse: rbac.Parse, newEnforcer: func(p *rbac.Policy) (*rbac.Enforcer, error) {
			return rbac.NewEnforcerWith(p, strings.TrimSpace(p.Default), true)
		}},
		"match mode ignored": {compose: rbac.Compose, parse: func(d map[string]string) *rbac.Policy {
			p := rbac.Parse(d)
			p.MatchMode = ""
			return p
		}, newEnforcer: rbac.NewEnforcer},
		"match mode case-insensitive": {compose: rbac.Compose, parse: func(d map[string]string) *rbac.Policy {
			p := rbac.Parse(d)
			p.MatchMode = strings.ToLower(strings.TrimSpace(p.MatchMode))
			return p
		}, newEnforcer: rbac.NewEnforcer},
		"r/e/m lines refused": {compose: rbac.Compose, parse: func(d map[string]string) *rbac.Policy {
			p := rbac.Parse(d)
			for _, l := range p.Lines {
				if l.Ignored() {
					p.Errors = append(p.Errors, &rbac.LineError{Key: l.Key, Line: l.Line, Text: l.Text, Reason: "r/e/m"})
				}
			}
			return p
		}, newEnforcer: rbac.NewEnforcer},
	}
	wrong["group pre-filter ignored"] = engine{compose: rbac.Compose, parse: rbac.Parse, newEnforcer: rbac.NewEnforcer,
		claims: func(e *rbac.Enforcer, user string, groups []string, res, act, obj string) bool {
			if e.Enforce(user, res, act, obj) {
				return true
			}
			for _, g := range groups {
				if e.Enforce(g, res, act, obj) {
					return true
				}
			}
			return false
		}}
	mapFields := func(f func(i int, v string) string) engine {
		return engine{compose: rbac.Compose, parse: func(d map[string]string) *rbac.Policy {
			p := rbac.Parse(d)
			for _, l := range p.Lines {
				for i, v := range l.Fields {
					l.Fields[i] = f(i, v)
				}
			}
			return p
		}, newEnforcer: rbac.NewEnforcer}
	}
	wrong["fields trimmed"] = mapFields(func(_ int, v string) string { return strings.TrimSpace(v) })
	wrong["effects case-insensitive"] = mapFields(func(i int, v string) string {
		if i == 4 {
			return strings.ToLower(v)
		}
		return v
	})
	for name, eng := range wrong {
		t.Run(name, func(t *testing.T) {
			st, _ := compare(cases, answers, eng)
			if st.disagree == 0 {
				t.Errorf("the corpus cannot tell %q from Argo CD (%s)", name, st)
			}
			t.Logf("%s: %d disagreements", name, st.disagree)
		})
	}
}
