package conformance

import (
	"maps"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac"
)

// TestDiffPatternPairs checks the diff's pattern coverage against Argo CD
// pattern by pattern: for every ordered pair (old, new) of atoms of one
// field, a policy with an allow for old gains an allow for new next to it,
// has old replaced by new, or gains a line for new with the effect
// "permit" (which grants nothing, but an invalid regex or a panicking glob
// in it still fails requests). Whenever Argo CD's answer for bob
// flips on any probe value, the diff must report a change for bob. The
// diff may report more (unproven coverage is reported); the figure is
// logged.
func TestDiffPatternPairs(t *testing.T) {
	type pool struct {
		name  string
		field int // 1 res, 2 act, 3 obj
		regex bool
		atoms []atom
		plain []string
	}
	pools := []pool{
		{"glob resources", 1, false, globResources, plainResources},
		{"glob actions", 2, false, globActions, plainActions},
		{"glob objects", 3, false, globObjects, plainObjects},
		{"regex resources", 1, true, regexResources, plainResources},
		{"regex actions", 2, true, regexActions, plainActions},
		{"regex objects", 3, true, regexObjects, plainObjects},
	}
	fixed := [4]string{"bob", "applications", "get", "proj-a/app1"}
	lineWith := func(field int, pat, effect string) string {
		f := fixed
		f[field] = pat
		return "p, " + csvQuote(f[0]) + ", " + csvQuote(f[1]) + ", " + csvQuote(f[2]) + ", " + csvQuote(f[3]) + ", " + effect
	}
	line := func(field int, pat string) string { return lineWith(field, pat, "allow") }
	query := func(field int, v string) Query {
		q := fixed
		q[field] = v
		return Query{q[0], q[1], q[2], q[3]}
	}
	failures := 0
	for _, p := range pools {
		var values []string
		seen := map[string]bool{}
		for _, v := range p.plain {
			if !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
		for _, at := range p.atoms {
			for _, v := range append([]string{at.pat}, at.hits...) {
				if !seen[v] {
					seen[v] = true
					values = append(values, v)
				}
			}
		}
		changes, flipped, quiet, overReported := 0, 0, 0, 0
		for _, o := range p.atoms {
			oldCSV := line(p.field, o.pat)
			oldData := map[string]string{rbac.KeyPolicyCSV: oldCSV}
			if p.regex {
				oldData[rbac.KeyMatchMode] = "regex"
			}
			oldPol := rbac.Parse(oldData)
			if !oldPol.Valid() {
				continue
			}
			oldE, err1 := rbac.NewEnforcer(oldPol)
			oldA, err2 := NewArgoCD(oldData)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s %q: %v %v", p.name, o.pat, err1, err2)
			}
			was := make([]bool, len(values))
			for i, v := range values {
				was[i], _ = oldA.Enforce(query(p.field, v))
			}
			for _, n := range p.atoms {
				if o.pat == n.pat {
					continue
				}
				// added next to it; replacing it; added with an effect that
				// grants nothing (its pattern may still fail requests)
				for _, newCSV := range []string{oldCSV + "\n" + line(p.field, n.pat), line(p.field, n.pat), oldCSV + "\n" + lineWith(p.field, n.pat, "permit")} {
					newData := maps.Clone(oldData)
					newData[rbac.KeyPolicyCSV] = newCSV
					newPol := rbac.Parse(newData)
					if !newPol.Valid() {
						continue
					}
					newE, err1 := rbac.NewEnforcer(newPol)
					newA, err2 := NewArgoCD(newData)
					if err1 != nil || err2 != nil {
						t.Fatalf("%s %q -> %q: %v %v", p.name, o.pat, n.pat, err1, err2)
					}
					changes++
					reported := false
					for _, c := range rbac.Diff(oldE, newE).Changes {
						reported = reported || c.Subject == "bob"
					}
					flip := ""
					for i, v := range values {
						if is, _ := newA.Enforce(query(p.field, v)); is != was[i] {
							flip = v
							break
						}
					}
					switch {
					case flip != "" && !reported:
						failures++
						if failures <= maxReportedDiffers {
							t.Errorf("%s: Argo CD's answer for %q flips, but the diff reports nothing for bob\n    old: %q\n    new: %q", p.name, flip, oldCSV, newCSV)
						}
					case flip != "":
						flipped++
					case reported:
						overReported++
					default:
						quiet++
					}
				}
			}
		}
		t.Logf("%s: %d one-line changes, %d flip an answer (all reported), %d flip none and are not reported, %d flip none on the probes but are reported (coverage not proven)",
			p.name, changes, flipped, quiet, overReported)
		if flipped == 0 || quiet == 0 {
			t.Errorf("%s: the pairs exercise only one side of coverage", p.name)
		}
	}
	if failures > 0 {
		t.Errorf("%d changes flip an answer without a reported change", failures)
	}
}
