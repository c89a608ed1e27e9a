package wfconformance

import (
	"testing"

	log "github.com/sirupsen/logrus"

	"github.com/argoguard/argoguard/policy/wfrbac"
)

const delegatedNamespace = "team-a"

// nsRequest is a request about a namespace: argo-server reads it through
// the servertypes.NamespacedRequest interface (GetNamespace).
type nsRequest string

func (r nsRequest) GetNamespace() string { return string(r) }

// TestSelectDelegatedMatchesArgoServer runs generated logins with SSO
// namespace delegation (SSO_DELEGATE_RBAC_TO_NAMESPACE=true) for a request
// about team-a through argo-server's gatekeeper and through
// wfrbac.SelectDelegated, the model wfrbac.AnalyzeDelegated rests on: the
// login account chosen in argo's accounts, replaced by team-a's only with a
// strictly higher precedence, team-a's errors ignored, argo's failures and
// no match refusing the login (v3).
func TestSelectDelegatedMatchesArgoServer(t *testing.T) {
	t.Setenv("SSO_DELEGATE_RBAC_TO_NAMESPACE", "true")
	hook := &reasonHook{}
	log.AddHook(hook)
	log.SetOutput(discard{})
	s, err := newTokenSSO()
	if err != nil {
		t.Fatal(err)
	}
	n := *cases / 2
	kinds := map[string]int{}
	var multi int
	for i := 0; i < n; i++ {
		tc := genCase(*seed, i)
		other := genCase(*seed+7_777, i)
		var team []wfrbac.Account
		for _, a := range other.accounts {
			a.Namespace, a.Name = delegatedNamespace, "t-"+a.Name
			team = append(team, a)
		}
		sel, err := wfrbac.SelectDelegated(tc.accounts, team, tc.claims)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := predicted(sel)
		srv, err := newArgoServerCaching(s, append(append([]wfrbac.Account{}, tc.accounts...), team...), "")
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		logins := 1
		if len(want) > 1 {
			logins = *repeats
			multi++
		}
		for k := 0; k < logins; k++ {
			account, refused, err := srv.request(s, hook, tc.claims, nsRequest(delegatedNamespace))
			if err != nil {
				srv.close()
				t.Fatalf("case %d: %v", i, err)
			}
			if got := observed(account, refused); !want[got] {
				t.Errorf("case %d (seed %d): argo-server gave %q, wfrbac predicts %v\nargo: %+v\nteam-a: %+v\nclaims: %+v\nreason: %s",
					i, *seed, got, keys(want), tc.accounts, team, tc.claims, refused)
			}
		}
		srv.close()
		for o := range want {
			switch {
			case o == "fail" || o == "none":
				kinds[o]++
			case len(o) > 2 && o[:2] == "t-":
				kinds["delegated"]++
			default:
				kinds["login account"]++
			}
		}
	}
	t.Logf("seed %d: %d cases; outcomes predicted: %v; %d order-dependent", *seed, n, kinds, multi)
	for _, k := range []string{"delegated", "login account", "fail", "none"} {
		if kinds[k] == 0 {
			t.Errorf("no case predicts %q", k)
		}
	}
}
