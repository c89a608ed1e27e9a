package conformance

import (
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
)

// TestDiffReportsEveryFlip checks argoguard's semantic diff (`argoguard
// rbac diff`, RBAC-017) against Argo CD: a policy is changed by one line
// (added from another case, a p line copied with one pattern swapped, or a
// line removed), and whenever Argo CD's answer for
// a login identity the policies name flips, the diff must report a change
// for that identity (or a match-mode change). The diff may say more than
// Argo CD shows (it compares patterns), never less.
func TestDiffReportsEveryFlip(t *testing.T) {
	cases, answers := corpus()
	r := rand.New(rand.NewPCG(*conformanceSeed, 99))
	const maxCases = 1200
	flips, pairs, failures, emptyFlips := 0, 0, 0, 0
	for i := 0; i+1 < min(maxCases, len(cases)); i++ {
		if answers[i].validErr != nil || answers[i+1].validErr != nil {
			continue
		}
		oldData := maps.Clone(cases[i].Data)
		delete(oldData, rbac.KeyDefault) // the per-identity changes leave out the default role
		newData := maps.Clone(oldData)
		oldPol := rbac.Parse(oldData)
		donor := rbac.Parse(cases[i+1].Data)
		var pLines []*rbac.Line
		for _, l := range oldPol.Lines {
			if l.Type == "p" {
				pLines = append(pLines, l)
			}
		}
		switch {
		case r.IntN(3) == 0 && len(pLines) > 0: // a copy of a p line with one pattern swapped
			l := pLines[r.IntN(len(pLines))]
			f := append([]string(nil), l.Fields...)
			res, act, obj := globResources, globActions, globObjects
			switch which := 1 + r.IntN(3); which {
			case 1:
				f[1] = res[r.IntN(len(res))].pat
			case 2:
				f[2] = act[r.IntN(len(act))].pat
			default:
				f[3] = obj[r.IntN(len(obj))].pat
			}
			for j := range f {
				f[j] = csvQuote(f[j])
			}
			newData[rbac.KeyPolicyCSV] = oldData[rbac.KeyPolicyCSV] + "\np, " + strings.Join(f, ", ")
		case r.IntN(2) == 0 && len(donor.Lines) > 0:
			newData[rbac.KeyPolicyCSV] = oldData[rbac.KeyPolicyCSV] + "\n" + donor.Lines[r.IntN(len(donor.Lines))].Text
		case len(oldPol.Lines) > 0:
			gone := oldPol.Lines[r.IntN(len(oldPol.Lines))]
			newData[gone.Key] = removeLine(newData[gone.Key], gone.Line)
		default:
			continue
		}
		newPol := rbac.Parse(newData)
		if !newPol.Valid() {
			continue
		}
		oldE, err1 := rbac.NewEnforcer(oldPol)
		newE, err2 := rbac.NewEnforcer(newPol)
		oldA, err3 := NewArgoCD(oldData)
		newA, err4 := NewArgoCD(newData)
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				t.Fatalf("case %s: %v", cases[i].Name, err)
			}
		}
		d := rbac.Diff(oldE, newE)
		if d.MatchModeChanged {
			continue
		}
		reported := map[string]bool{}
		for _, c := range d.Changes {
			reported[c.Subject] = true
		}
		names := map[string]bool{}
		for _, e := range []*rbac.Enforcer{oldE, newE} {
			for _, n := range e.Principals() {
				names[n] = true
			}
		}
		queries := append(cases[i].Queries[:4:4], cases[i+1].Queries[:4]...)
		for n := range names {
			for _, q := range queries {
				q.Sub = n
				pairs++
				was, _ := oldA.Enforce(q)
				is, _ := newA.Enforce(q)
				if was == is {
					continue
				}
				flips++
				if n == "" {
					emptyFlips++
				}
				if !reported[n] {
					failures++
				}
				if !reported[n] && failures <= maxReportedDiffers {
					t.Errorf("case %s: Argo CD's answer to Enforce%q goes %v -> %v but the diff reports no change for %q\n    old: %s\n    new: %s",
						cases[i].Name, []string{q.Sub, q.Res, q.Act, q.Obj}, was, is, n, describe(oldData), describe(newData))
				}
			}
		}
	}
	t.Logf("%d (identity, request) pairs, %d answers flipped (%d for the empty subject \"\"), %d not reported", pairs, flips, emptyFlips, failures)
	if flips == 0 {
		t.Error("no answer flipped: the one-line changes do not exercise the diff")
	}
}

// removeLine drops line n (1-based) of value.
func removeLine(value string, n int) string {
	var out []string
	for i, l := range splitLines(value) {
		if i+1 != n {
			out = append(out, l)
		}
	}
	return joinLines(out)
}

// TestDiffVectors pins one-line changes whose effect Argo CD shows; the
// diff must report a change for the subject. The ? widenings and the
// empty subject were missed by the diff once (text matching taken for
// coverage; no permissions computed for the subject "").
func TestDiffVectors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		q        Query
		regex    bool // policy.matchMode: regex
	}{
		{"new allow", "", "p, bob, applications, sync, */*, allow", Query{"bob", "applications", "sync", "a/b"}, false},
		{"deny removed", "g, bob, role:admin\np, bob, applications, sync, */*, deny", "g, bob, role:admin", Query{"bob", "applications", "sync", "a/b"}, false},
		{"role granted through a chain", "g, role:a, role:admin", "g, role:a, role:admin\ng, bob, role:a", Query{"bob", "applications", "sync", "a/b"}, false},
		{"chain grown past 10 hops", chainPolicy(10), strings.Replace(chainPolicy(10), "g, bob, role:h1\n", "g, bob, role:h0\ng, role:h0, role:h1\n", 1), bobGetsApp(), false},
		{"pattern widened", "p, bob, applications, get, proj-a/*, allow", "p, bob, applications, get, proj-*, allow", Query{"bob", "applications", "get", "proj-b/x"}, false},
		{"a? widened by a*", "p, bob, applications, get, a?, allow", "p, bob, applications, get, a?, allow\np, bob, applications, get, a*, allow", Query{"bob", "applications", "get", "abc"}, false},
		{"a? widened by a*, value a", "p, bob, applications, get, a?, allow", "p, bob, applications, get, a?, allow\np, bob, applications, get, a*, allow", Query{"bob", "applications", "get", "a"}, false},
		{"the empty subject gains role:readonly", "", "g,,role:readonly", Query{"", "applications", "get", "p/a"}, false},
		{"the empty subject loses a deny", "g,,role:readonly\np,,applications,get,p/*,deny", "g,,role:readonly", Query{"", "applications", "get", "p/a"}, false},
		{"a permit line with an invalid regex removed", "p, bob, applications, get, .*, allow\np, bob, applications, (, .*, permit", "p, bob, applications, get, .*, allow", Query{"bob", "applications", "get", "p/a"}, true},
		{"a permit line with a panicking glob removed", "p, bob, applications, *, */*, allow\np, bob, applications, aa{{, */*, permit", "p, bob, applications, *, */*, allow", Query{"bob", "applications", "aa", "p/a"}, false},
		{"? widened by *", "p, bob, applications, get, ?, allow", "p, bob, applications, get, ?, allow\np, bob, applications, get, *, allow", Query{"bob", "applications", "get", "ab"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldData, newData := map[string]string{"policy.csv": tt.old}, map[string]string{"policy.csv": tt.new}
			if tt.regex {
				oldData["policy.matchMode"], newData["policy.matchMode"] = "regex", "regex"
			}
			oldA, err := NewArgoCD(oldData)
			if err != nil {
				t.Fatal(err)
			}
			newA, err := NewArgoCD(newData)
			if err != nil {
				t.Fatal(err)
			}
			was, _ := oldA.Enforce(tt.q)
			is, _ := newA.Enforce(tt.q)
			if was == is {
				t.Fatalf("Argo CD answers %v before and after: fix the vector", was)
			}
			oldE, err := rbac.NewEnforcer(rbac.Parse(oldData))
			if err != nil {
				t.Fatal(err)
			}
			newE, err := rbac.NewEnforcer(rbac.Parse(newData))
			if err != nil {
				t.Fatal(err)
			}
			reported := false
			for _, c := range rbac.Diff(oldE, newE).Changes {
				reported = reported || c.Subject == tt.q.Sub
			}
			if !reported {
				t.Errorf("Argo CD goes %v -> %v for %v, the diff reports nothing for %q", was, is, tt.q, tt.q.Sub)
			}
		})
	}
}

func bobGetsApp() Query { return Query{"bob", "applications", "get", "proj-a/app1"} }
