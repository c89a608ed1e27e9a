package wfconformance

import (
	"flag"
	"strings"
	"testing"

	log "github.com/sirupsen/logrus"

	"github.com/argoguard/argoguard/policy/wfrbac"
)

var (
	seed    = flag.Int64("seed", 1, "generator seed")
	cases   = flag.Int("cases", 600, "number of generated cases")
	repeats = flag.Int("repeats", 6, "logins per case with tied accounts (argo-server's order varies per request)")
)

// outcome names a login's end the way both sides can report it: the chosen
// account, "fail" (a rule failed) or "none" (no rule matches).
func predicted(sel wfrbac.Selection) map[string]bool {
	out := map[string]bool{}
	for _, o := range sel.Outcomes {
		switch o.Kind {
		case wfrbac.Selected:
			out[o.Account.Name] = true
		case wfrbac.RuleFailed:
			out["fail"] = true
		default:
			out["none"] = true
		}
	}
	return out
}

func observed(account, refused string) string {
	switch {
	case account != "":
		return account
	case refused == "no service account rule matches":
		return "none"
	case strings.HasPrefix(refused, "failed to evaluate rule"):
		return "fail"
	}
	return "unexpected refusal: " + refused
}

// TestSelectMatchesArgoServer runs every generated login through
// argo-server's gatekeeper and through wfrbac.Select: every outcome
// argo-server gives must be one wfrbac predicts. Logins with tied accounts
// are repeated, since argo-server's order among them changes per request.
func TestSelectMatchesArgoServer(t *testing.T) {
	hook := &reasonHook{}
	log.AddHook(hook)
	log.SetOutput(discard{})
	s, err := newTokenSSO()
	if err != nil {
		t.Fatal(err)
	}
	var compared, logins, multi, multiFullySeen int
	kinds := map[string]int{}
	for i := 0; i < *cases; i++ {
		tc := genCase(*seed, i)
		sel, err := wfrbac.Select(tc.accounts, tc.claims)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := predicted(sel)
		srv, err := newArgoServer(s, tc.accounts)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		n := 1
		if len(want) > 1 {
			n = *repeats
			multi++
		}
		seen := map[string]bool{}
		for k := 0; k < n; k++ {
			account, refused, err := srv.login(s, hook, tc.claims)
			if err != nil {
				srv.close()
				t.Fatalf("case %d: %v", i, err)
			}
			got := observed(account, refused)
			logins++
			seen[got] = true
			if !want[got] {
				t.Errorf("case %d (seed %d): argo-server gave %q, wfrbac predicts %v\naccounts: %+v\nclaims: %+v\nreason: %s", i, *seed, got, keys(want), tc.accounts, tc.claims, refused)
			}
		}
		srv.close()
		if len(want) > 1 && len(seen) == len(want) {
			multiFullySeen++
		}
		for o := range want {
			if o == "fail" || o == "none" {
				kinds[o]++
			} else {
				kinds["selected"]++
			}
		}
		compared++
	}
	t.Logf("seed %d: %d cases, %d logins through argo-server; outcomes predicted: %v; %d cases with order-dependent outcomes, %d of them showed every predicted outcome in %d logins",
		*seed, compared, logins, kinds, multi, multiFullySeen, *repeats)
	// The corpus must exercise every kind of outcome, ties included.
	for _, k := range []string{"selected", "fail", "none"} {
		if kinds[k] == 0 {
			t.Errorf("no case predicts %q", k)
		}
	}
	if multi == 0 {
		t.Error("no case with order-dependent outcomes")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
