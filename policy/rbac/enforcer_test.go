package rbac

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

type query struct {
	sub, res, act, obj string
	want               bool
}

// Facts from Argo CD's behaviour (shared/reference/argo-sso-rbac-facts.md §1).
func TestEnforceArgoCDFacts(t *testing.T) {
	cases := []struct {
		name string
		data map[string]string
		q    []query
	}{
		{"built-in roles", map[string]string{}, []query{
			{"admin", "applications", "sync", "p/a", true},
			{"admin", "applications", "rollback", "p/a", false}, // v3.5: no rollback
			{"role:readonly", "applications", "get", "p/a", true},
			{"role:readonly", "applications", "sync", "p/a", false},
			{"role:admin", "logs", "get", "p/a", true}, // via role:readonly
			{"bob", "applications", "get", "p/a", false},
		}},
		{"default role first, deny cannot block it", map[string]string{
			"policy.default": "role:readonly",
			"policy.csv":     "p, bob, applications, get, */*, deny",
		}, []query{{"bob", "applications", "get", "p/a", true}}},
		{"deny blocks own subject", map[string]string{
			"policy.csv": "g, bob, role:admin\np, bob, applications, sync, */*, deny",
		}, []query{{"bob", "applications", "sync", "p/a", false}, {"bob", "applications", "create", "p/a", true}}},
		{"star subject is a literal", map[string]string{
			"policy.csv": "p, *, applications, get, */*, allow",
		}, []query{{"bob", "applications", "get", "p/a", false}, {"*", "applications", "get", "p/a", true}}},
		{"trailing space keeps", map[string]string{
			"policy.csv": "g, bob , role:admin",
		}, []query{{"bob", "applications", "get", "p/a", false}, {"bob ", "applications", "get", "p/a", true}}},
		{"inline comment kills the effect", map[string]string{
			"policy.csv": "p, bob, applications, get, */*, allow # note",
		}, []query{{"bob", "applications", "get", "p/a", false}}},
		{"glob star crosses slash, case-sensitive", map[string]string{
			"policy.csv": "p, bob, applications, get, *, allow\np, bob, Applications, sync, *, allow",
		}, []query{{"bob", "applications", "get", "p/a/b", true}, {"bob", "applications", "sync", "p/a", false}}},
		{"quoted alternatives", map[string]string{
			"policy.csv": `p, bob, applications, "{get,sync}", */*, allow`,
		}, []query{{"bob", "applications", "sync", "p/a", true}, {"bob", "applications", "delete", "p/a", false}}},
		{"regex unanchored; built-ins grant nothing", map[string]string{
			"policy.matchMode": "regex",
			"policy.csv":       "p, bob, applications, get, .*, allow\ng, alice, role:admin",
		}, []query{
			{"bob", "applicationsets", "get", "p/a", true},
			{"alice", "applications", "get", "p/a", false},
			{"admin", "applications", "get", "p/a", false},
		}},
		{"invalid regex reached fails the request", map[string]string{
			"policy.matchMode": "regex",
			"policy.csv":       "p, bob, applications, get, .*, allow\np, bob, applications, (, .*, allow\np, bob, clusters, get, .*, allow",
		}, []query{
			{"bob", "applications", "get", "p/a", false}, // act "(" reached after res matched
			{"bob", "clusters", "get", "x", true},        // res "applications" does not match "clusters": act not reached
		}},
		{"typo match mode is glob", map[string]string{
			"policy.matchMode": "Regex",
			"policy.csv":       "p, bob, applications, get, */*, allow",
		}, []query{{"bob", "applications", "get", "p/a", true}}},
		{"invalid glob never matches", map[string]string{
			"policy.csv": "p, bob, applications, get, [abc, allow\np, bob, applications, sync, */*, allow",
		}, []query{{"bob", "applications", "get", "[abc", false}, {"bob", "applications", "sync", "p/a", true}}},
		{"a glob that makes gobwas/glob panic fails the request", map[string]string{
			"policy.csv": "p, bob, applications, *, */*, allow\np, bob, applications, aa{{, */*, allow",
		}, []query{{"bob", "applications", "aa", "p/a", false}, {"bob", "applications", "get", "p/a", true}}},
		{"effect must be exact", map[string]string{
			"policy.csv": "p, bob, applications, get, */*, Allow\np, bob, applications, sync, */*, allow\np, bob, applications, sync, */*, DENY",
		}, []query{{"bob", "applications", "get", "p/a", false}, {"bob", "applications", "sync", "p/a", true}}},
		{"role cycle terminates", map[string]string{
			"policy.csv": "g, a, b\ng, b, a\np, b, applications, get, */*, allow",
		}, []query{{"a", "applications", "get", "p/a", true}, {"c", "applications", "get", "p/a", false}}},
		{"overlay keys are joined", map[string]string{
			"policy.csv":      "g, bob, role:dev",
			"policy.team.csv": "p, role:dev, applications, sync, dev/*, allow",
			"policy.default":  "",
		}, []query{{"bob", "applications", "sync", "dev/a", true}, {"bob", "applications", "sync", "prod/a", false}}},
	}
	chain := []string{}
	for i := 0; i < 11; i++ {
		chain = append(chain, fmt.Sprintf("g, r%d, r%d", i, i+1))
	}
	chain = append(chain, "p, r10, applications, get, */*, allow", "p, r11, applications, sync, */*, allow")
	cases = append(cases, struct {
		name string
		data map[string]string
		q    []query
	}{"ten hops resolve, eleven do not", map[string]string{"policy.csv": strings.Join(chain, "\n")}, []query{
		{"r0", "applications", "get", "p/a", true},
		{"r0", "applications", "sync", "p/a", false},
		{"r1", "applications", "sync", "p/a", true},
	}})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Parse(tc.data)
			e, err := NewEnforcer(p)
			if err != nil {
				t.Fatal(err)
			}
			c, err := NewCasbinEnforcer(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range tc.q {
				if got := e.Enforce(q.sub, q.res, q.act, q.obj); got != q.want {
					t.Errorf("Enforce(%q,%q,%q,%q) = %v, want %v", q.sub, q.res, q.act, q.obj, got, q.want)
				}
				if got := c.Enforce(q.sub, q.res, q.act, q.obj); got != q.want {
					t.Errorf("casbin Enforce(%q,%q,%q,%q) = %v, want %v", q.sub, q.res, q.act, q.obj, got, q.want)
				}
			}
		})
	}
}

func TestNewEnforcerRefusesInvalidPolicy(t *testing.T) {
	_, err := NewEnforcer(ParseCSV("p, bob, applications, get, */*"))
	if err == nil || !strings.Contains(err.Error(), `data["policy.csv"] line 1`) {
		t.Fatalf("err = %v, want one naming data[\"policy.csv\"] line 1", err)
	}
}

func TestEnforceClaimsGroupPrefilter(t *testing.T) {
	e, err := NewEnforcer(ParseCSV("p, grp-a, applications, get, */*, allow\n" +
		"g, grp-b, role:admin\np, alice, applications, sync, */*, deny"))
	if err != nil {
		t.Fatal(err)
	}
	if e.EnforceClaims("bob", []string{"grp-a"}, "applications", "get", "p/a") {
		t.Error("group with only p lines must be ignored by the server")
	}
	if !e.Enforce("grp-a", "applications", "get", "p/a") {
		t.Error("rbac can (Enforce) says yes for grp-a")
	}
	if !e.EnforceClaims("alice", []string{"grp-b"}, "applications", "sync", "p/a") {
		t.Error("a deny on the user does not block the group's allow")
	}
}

// TestEnforcerAgreesWithCasbin compares the direct evaluator with casbin on
// random policies and requests over a small alphabet, so that overlaps,
// denies, chains, cycles and invalid patterns are frequent.
func TestEnforcerAgreesWithCasbin(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 150; round++ {
		data := randomPolicy(rng)
		p := Parse(data)
		if !p.Valid() {
			t.Fatalf("generator made an invalid policy: %v", p.Err())
		}
		e, _ := NewEnforcer(p)
		c, err := NewCasbinEnforcer(p)
		if err != nil {
			t.Fatal(err)
		}
		// Holders answers Decide for every name at once.
		for i := 0; i < 5; i++ {
			q := randomQuery(rng)
			var brute []string
			for _, n := range e.Names() {
				if e.EnforceSubject(n, q.res, q.act, q.obj) {
					brute = append(brute, n)
				}
			}
			if got := e.Holders(q.res, q.act, q.obj); fmt.Sprint(got) != fmt.Sprint(brute) {
				t.Fatalf("policy:\n%s\nHolders(%q,%q,%q) = %v, one by one %v", Compose(data), q.res, q.act, q.obj, got, brute)
			}
			// Every who-can grant is explained by a chain of g lines from
			// the subject to an allow line that matches the request.
			for _, g := range e.WhoCan(q.res, q.act, q.obj).Subjects {
				at := g.Subject
				for _, l := range g.Via {
					if l.Subject() != at {
						t.Fatalf("grant %+v: chain breaks at %s", g, l.Where())
					}
					at = l.Role()
				}
				if g.Line == nil || g.Line.Subject() != at || g.Line.Effect() != "allow" || len(g.Via) > MaxRoleHops ||
					!MatchPattern(g.Line.Object(), q.obj, e.Regex()) {
					t.Fatalf("policy:\n%s\ngrant for %q %q %q: %+v does not explain it", Compose(data), q.res, q.act, q.obj, g)
				}
			}
		}
		for i := 0; i < 60; i++ {
			q := randomQuery(rng)
			if got, want := e.Enforce(q.sub, q.res, q.act, q.obj), c.Enforce(q.sub, q.res, q.act, q.obj); got != want {
				t.Fatalf("policy:\n%s\nmode %q default %q\nEnforce(%q,%q,%q,%q) = %v, casbin %v",
					Compose(data), data[KeyMatchMode], data[KeyDefault], q.sub, q.res, q.act, q.obj, got, want)
			}
		}
	}
}

var (
	genSubjects = []string{"a", "b", "c", "role:x", "role:y", "role:admin", "role:readonly", "admin", "*"}
	genPatterns = []string{"*", "*/*", "p/*", "p/a", "applications", "app*", "get", "sync", "[ab", "a.*", "^p/.*$", "(", "g?t", "{get,sync}", ""}
	genValues   = []string{"p/a", "q/b", "applications", "applicationsets", "clusters", "get", "sync", "a", "", "[ab"}
)

func pick(rng *rand.Rand, s []string) string { return s[rng.Intn(len(s))] }

func quoteIfNeeded(s string) string {
	if strings.ContainsAny(s, ",\"") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func randomPolicy(rng *rand.Rand) map[string]string {
	var lines []string
	for i := rng.Intn(12); i >= 0; i-- {
		if rng.Intn(3) == 0 {
			lines = append(lines, fmt.Sprintf("g, %s, %s", pick(rng, genSubjects), pick(rng, genSubjects)))
			continue
		}
		eft := []string{"allow", "allow", "deny", "Allow"}[rng.Intn(4)]
		lines = append(lines, fmt.Sprintf("p, %s, %s, %s, %s, %s", pick(rng, genSubjects),
			quoteIfNeeded(pick(rng, genPatterns)), quoteIfNeeded(pick(rng, genPatterns)), quoteIfNeeded(pick(rng, genPatterns)), eft))
	}
	data := map[string]string{KeyPolicyCSV: strings.Join(lines, "\n")}
	if rng.Intn(3) == 0 {
		data[KeyMatchMode] = MatchModeRegex
	}
	if rng.Intn(3) == 0 {
		data[KeyDefault] = pick(rng, genSubjects)
	}
	return data
}

func randomQuery(rng *rand.Rand) query {
	return query{sub: pick(rng, genSubjects), res: pick(rng, genValues), act: pick(rng, genValues), obj: pick(rng, genValues)}
}

// The webhook shares one Enforcer between requests: patterns compile lazily
// and must be safe to use from many goroutines (run with -race).
func TestEnforcerConcurrentUse(t *testing.T) {
	e, err := NewEnforcer(Parse(map[string]string{
		KeyPolicyCSV: "p, role:dev, applications, sync, team-*/*, allow\ng, devs, role:dev\np, devs, logs, get, [ab]*, allow",
		KeyDefault:   "role:readonly",
	}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			ok := e.Enforce("devs", "applications", "sync", "team-a/x") && e.Enforce("devs", "logs", "get", "a1") &&
				!e.Enforce("devs", "applications", "sync", "prod/x") && len(e.Names()) > 0
			done <- ok
		}()
	}
	for i := 0; i < 8; i++ {
		if !<-done {
			t.Fatal("wrong answer under concurrent use")
		}
	}
}
