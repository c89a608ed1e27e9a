package conformance

import (
	"maps"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
)

// TestWhoCanMatchesArgoCD checks argoguard's who-can answer (what
// `argoguard rbac who-can` prints) by brute force with Argo CD: for every
// name the policy mentions, Argo CD (without a default role) allows the
// request exactly when who-can lists the name; and who-can says "everyone"
// exactly when Argo CD, with the default role, allows a name the policy
// never mentions.
func TestWhoCanMatchesArgoCD(t *testing.T) {
	cases, answers := corpus()
	const maxCases, queries = 1000, 2
	checked, listed, failures := 0, 0, 0
	for i, c := range cases[:min(maxCases, len(cases))] {
		if answers[i].validErr != nil {
			continue
		}
		withDefault, err := NewArgoCD(c.Data)
		if err != nil {
			t.Fatalf("case %s: %v", c.Name, err)
		}
		noDefault := maps.Clone(c.Data)
		delete(noDefault, rbac.KeyDefault)
		alone, err := NewArgoCD(noDefault)
		if err != nil {
			t.Fatalf("case %s: %v", c.Name, err)
		}
		e, err := rbac.NewEnforcer(rbac.Parse(c.Data))
		if err != nil {
			t.Fatalf("case %s: %v", c.Name, err)
		}
		for _, q := range c.Queries[:min(queries, len(c.Queries))] {
			res := e.WhoCan(q.Res, q.Act, q.Obj)
			holders := map[string]bool{}
			for _, g := range res.Subjects {
				holders[g.Subject] = true
			}
			listed += len(holders)
			for _, name := range e.Names() {
				checked++
				want, _ := alone.Enforce(Query{name, q.Res, q.Act, q.Obj})
				if holders[name] != want && failures < maxReportedDiffers {
					failures++
					t.Errorf("case %s: who-can %q %q %q lists %q: %v; Argo CD allows it: %v\n    data: %s",
						c.Name, q.Act, q.Res, q.Obj, name, holders[name], want, describe(c.Data))
				}
				delete(holders, name)
			}
			for name := range holders {
				t.Errorf("case %s: who-can lists %q, a name the policy does not mention", c.Name, name)
			}
			stranger := "\x01stranger"
			want, _ := withDefault.Enforce(Query{stranger, q.Res, q.Act, q.Obj})
			if res.Everyone != want && failures < maxReportedDiffers {
				failures++
				t.Errorf("case %s: who-can %q %q %q says everyone=%v; Argo CD allows a user the policy does not name: %v\n    data: %s",
					c.Name, q.Act, q.Res, q.Obj, res.Everyone, want, describe(c.Data))
			}
		}
	}
	t.Logf("%d (name, request) answers checked against Argo CD; who-can listed %d holders", checked, listed)
	if checked < 10000 || listed == 0 {
		t.Errorf("only %d answers checked (%d listed): the corpus does not exercise who-can", checked, listed)
	}
}
