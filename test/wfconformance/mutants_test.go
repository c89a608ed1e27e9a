package wfconformance

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	log "github.com/sirupsen/logrus"

	"github.com/argoguard/argoguard/policy/wfrbac"
)

// mutant is a plausible misreading of argo-server's selection; it predicts
// one set of outcomes like predicted(wfrbac.Select(...)).
type mutant struct {
	name    string
	predict func(testCase) map[string]bool
}

var mutants = []mutant{
	{"a failing rule is skipped like a false one", func(tc testCase) map[string]bool {
		ruled := withRule(tc.accounts)
		sort.SliceStable(ruled, func(i, j int) bool { return ruled[i].Precedence() > ruled[j].Precedence() })
		for _, a := range ruled {
			env, _ := tc.claims.Env()
			if v, _ := wfrbac.Evaluate(a.Rule, env); v == wfrbac.Match {
				return map[string]bool{a.Name: true}
			}
		}
		return map[string]bool{"none": true}
	}},
	{"ties resolve in list order", func(tc testCase) map[string]bool {
		sel, _ := wfrbac.Select(tc.accounts, tc.claims)
		sel.Outcomes = sel.Outcomes[:1]
		return predicted(sel)
	}},
	{"precedence parsed leniently", func(tc testCase) map[string]bool {
		accounts := append([]wfrbac.Account(nil), tc.accounts...)
		for i, a := range accounts {
			if f, err := strconv.ParseFloat(strings.TrimSpace(a.PrecedenceRaw), 64); err == nil && f < 1e9 {
				accounts[i].PrecedenceRaw = strconv.Itoa(int(f))
			}
		}
		sel, _ := wfrbac.Select(accounts, tc.claims)
		return predicted(sel)
	}},
}

func withRule(accounts []wfrbac.Account) []wfrbac.Account {
	var out []wfrbac.Account
	for _, a := range accounts {
		if a.HasRule {
			out = append(out, a)
		}
	}
	return out
}

// TestCorpusDetectsWrongSelection shows the generated corpus, run through
// argo-server, tells wfrbac's reading from plausible wrong ones: each
// mutant must be contradicted by argo-server on some case.
func TestCorpusDetectsWrongSelection(t *testing.T) {
	hook := &reasonHook{}
	log.AddHook(hook)
	log.SetOutput(discard{})
	s, err := newTokenSSO()
	if err != nil {
		t.Fatal(err)
	}
	caught := make([]int, len(mutants))
	for i := 0; i < *cases; i++ {
		tc := genCase(*seed, i)
		srv, err := newArgoServer(s, tc.accounts)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < *repeats; k++ {
			account, refused, err := srv.login(s, hook, tc.claims)
			if err != nil {
				srv.close()
				t.Fatal(err)
			}
			got := observed(account, refused)
			for m, mu := range mutants {
				if !mu.predict(tc)[got] {
					caught[m]++
				}
			}
		}
		srv.close()
	}
	for m, mu := range mutants {
		t.Logf("%q contradicted by argo-server in %d logins", mu.name, caught[m])
		if caught[m] == 0 {
			t.Errorf("the corpus does not tell %q from argo-server's selection", mu.name)
		}
	}
}
