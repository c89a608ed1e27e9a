package rbac

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestDiffOnlyAffectedEqualsFullDiff holds Diff, which compares only the
// names that reach a changed line, equal to comparing every principal and
// the default role, and the permission sets members share with their role
// equal to each member's own walk, on random pairs of policies that differ by a few lines:
// role chains longer than MaxRoleHops, cycles, duplicate lines, deny and
// odd effects, the empty subject, default-role and match-mode changes.
func TestDiffOnlyAffectedEqualsFullDiff(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 17))
	names := []string{"", "alice", "bob", "team-a", "team-b", "role:a", "role:b", "role:c", "role:readonly", "role:admin", "proj:p:r"}
	for i := 0; i < 40; i++ {
		names = append(names, fmt.Sprintf("role:chain-%d", i))
	}
	pats := []string{"*", "*/*", "prod/*", "a?", "get", "sync", "(", "team-*", "default/app"}
	effects := []string{"allow", "allow", "deny", "permit"}
	line := func() string {
		if r.IntN(2) == 0 {
			return fmt.Sprintf("g, %s, %s", names[r.IntN(len(names))], names[r.IntN(len(names))])
		}
		return fmt.Sprintf("p, %s, %s, %s, %s, %s", names[r.IntN(len(names))],
			[]string{"applications", "clusters", "logs", "*"}[r.IntN(4)],
			pats[r.IntN(len(pats))], pats[r.IntN(len(pats))], effects[r.IntN(len(effects))])
	}
	policy := func() []string {
		var ls []string
		if r.IntN(2) == 0 { // a chain around MaxRoleHops long, grants along it
			n := 8 + r.IntN(6)
			ls = append(ls, fmt.Sprintf("g, %s, role:chain-0", []string{"alice", "team-a", ""}[r.IntN(3)]))
			for i := range n {
				ls = append(ls, fmt.Sprintf("g, role:chain-%d, role:chain-%d", i, i+1))
				if r.IntN(3) == 0 {
					ls = append(ls, fmt.Sprintf("p, role:chain-%d, applications, %s, */*, allow", i+1, pats[r.IntN(len(pats))]))
				}
			}
		}
		for range 1 + r.IntN(30) {
			ls = append(ls, line())
		}
		r.Shuffle(len(ls), func(i, j int) { ls[i], ls[j] = ls[j], ls[i] })
		return ls
	}
	defaults := []string{"", "", "role:readonly", "role:a", "role:chain-5"}
	checked, changed, everyone := 0, 0, 0
	for i := 0; i < 3000; i++ {
		oldLines := policy()
		newLines := append([]string(nil), oldLines...)
		for range 1 + r.IntN(3) {
			switch j := r.IntN(len(newLines)); r.IntN(5) {
			case 4: // one field of the line changes, the rest stays
				f := strings.Split(newLines[j], ", ")
				if f[0] == "p" {
					f[5] = effects[r.IntN(len(effects))]
				} else {
					f[2] = names[r.IntN(len(names))]
				}
				newLines[j] = strings.Join(f, ", ")
			case 0:
				newLines = append(newLines[:j], newLines[j+1:]...)
			case 1:
				newLines[j] = line()
			case 2:
				newLines = append(newLines, newLines[j]) // a duplicate: no change
			default:
				newLines = append(newLines, line())
			}
			if len(newLines) == 0 {
				newLines = []string{line()}
			}
		}
		oldData := map[string]string{KeyPolicyCSV: strings.Join(oldLines, "\n"), KeyDefault: defaults[r.IntN(len(defaults))]}
		newData := map[string]string{KeyPolicyCSV: strings.Join(newLines, "\n"), KeyDefault: oldData[KeyDefault]}
		if r.IntN(10) == 0 {
			newData[KeyDefault] = defaults[r.IntN(len(defaults))]
		}
		if r.IntN(20) == 0 {
			newData[KeyMatchMode] = MatchModeRegex
		}
		op, np := Parse(oldData), Parse(newData)
		if !op.Valid() || !np.Valid() {
			continue
		}
		old, new := mustEnforcer(t, oldData), mustEnforcer(t, newData)
		for _, e := range []*Enforcer{old, new} {
			for _, n := range e.Names() { // twice: computed, then from the memo
				for range 2 {
					if got, want := permsOf(e, n).perms, collectPerms(e, n).perms; !reflect.DeepEqual(got, want) {
						t.Fatalf("pair %d: permissions of %q: shared set differs from the name's own walk\n%s\ngot  %v\nwant %v",
							i, n, strings.Join(oldLines, "\n"), got, want)
					}
				}
			}
		}
		got := Diff(old, new)
		want := fullDiff(old, new)
		checked++
		if len(want.Changes)+len(want.Roles) > 0 {
			changed++
		}
		for _, c := range want.Changes {
			if c.Subject == EveryoneSubject {
				everyone++
				break
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pair %d: Diff differs from the full comparison\nold:\n%s\nnew:\n%s\ngot:  %+v\nwant: %+v",
				i, oldData[KeyPolicyCSV], newData[KeyPolicyCSV], got, want)
		}
	}
	// The pairs must exercise both sides: real changes and quiet ones.
	t.Logf("%d pairs, %d with changes, %d for every user", checked, changed, everyone)
	if checked < 1000 || changed < checked/4 || changed == checked {
		t.Fatalf("weak corpus: %d pairs checked, %d with changes", checked, changed)
	}
}

// fullDiff is Diff without the affected-names shortcut: every principal of
// either policy and the default role, always.
func fullDiff(old, new *Enforcer) DiffResult {
	res := DiffResult{MatchModeChanged: old.regex != new.regex, OldDefault: old.defaultRole, NewDefault: new.defaultRole}
	set := map[string]bool{}
	for _, e := range []*Enforcer{old, new} {
		for _, p := range e.Principals() {
			set[p] = true
		}
	}
	var names []string
	for n := range set {
		names = append(names, n)
	}
	sortStrings(names)
	res.compare(old, new, names, true)
	return res
}
