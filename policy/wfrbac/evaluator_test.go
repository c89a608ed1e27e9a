package wfrbac

import "testing"

// The cached evaluator answers as Evaluate for every rule and user, one
// Evaluator across them all, so that a program compiled for one user's
// claims is reused for others of the same shape and never for another.
func TestEvaluatorAgreesWithEvaluate(t *testing.T) {
	rules := []string{
		"true", "", "1", "nil", "nope(",
		"'admins' in groups", "'admins' in get($env, 'groups')", "'admins' in (groups ?? [])",
		"email endsWith '@example.com'", "sub == 'admins'", "len(groups) > 1", "iss == 'argo-server'",
		"exp > 0", "email_verified", "'admins' in groups || email == 'admins'",
	}
	var claims []Claims
	claims = append(claims, users(rules...)...)
	claims = append(claims, Claims{Expiry: 1}, Claims{Subject: "u", Groups: []string{"admins", "devs"}, Email: "bob@example.com", Expiry: 1})
	var e Evaluator
	for round := range 2 { // the second round runs from the cache
		for _, r := range rules {
			for _, c := range claims {
				env, err := c.Env()
				if err != nil {
					t.Fatal(err)
				}
				want, wantErr := Evaluate(r, env)
				env, _ = c.Env()
				got, gotErr := e.Evaluate(r, env)
				if got != want || (gotErr == nil) != (wantErr == nil) {
					t.Fatalf("round %d, rule %q, claims %+v: cached %v (%v), Evaluate %v (%v)", round, r, c, got, gotErr, want, wantErr)
				}
				// Verdict refills one scratch environment per user.
				if v := e.Verdict(r, c); v != want {
					t.Fatalf("round %d, rule %q, claims %+v: Verdict %v, Evaluate %v", round, r, c, v, want)
				}
			}
		}
	}
	if len(e.programs) == 0 || len(e.programs) > maxPrograms {
		t.Errorf("%d programs cached", len(e.programs))
	}
}

// A nil claim value (no claim argo-server sends, but a map may hold one)
// is a shape of its own, not a panic.
func TestEvaluatorNilValue(t *testing.T) {
	var e Evaluator
	if v, err := e.Evaluate("x == nil", map[string]any{"x": nil}); v != Match || err != nil {
		t.Errorf("got %v, %v", v, err)
	}
}
