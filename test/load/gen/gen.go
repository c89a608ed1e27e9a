// Package gen makes the synthetic inputs of argoguard's benchmarks and load
// tests: an argocd-rbac-cm policy.csv of any length, shaped like a real
// multi-team installation (each team a role, four grants and one Identity
// Center group bound to it), and the groups an identity provider would know.
// It is deterministic, so two runs measure the same input.
package gen

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/settings"
)

// linesPerTeam is the number of policy.csv lines one team contributes.
const linesPerTeam = 5

// GroupID is the Identity Center group ID of team k (UUID-shaped, as AWS
// sends them).
func GroupID(k int) string {
	return fmt.Sprintf("%08x-%04x-70a4-8f1c-%012x", 0x5e000000+k, k%0x10000, k)
}

// Teams returns how many teams a policy of n lines holds.
func Teams(n int) int { return (n + linesPerTeam - 1) / linesPerTeam }

// PolicyCSV returns exactly n lines of policy.csv: per team k, read access
// to its project's applications and logs, sync, project read, and the group
// binding. Every subject and object is distinct, so no line is redundant.
func PolicyCSV(n int) string {
	var b strings.Builder
	lines := 0
	for k := 0; lines < n; k++ {
		team := fmt.Sprintf("team-%05d", k)
		for _, l := range []string{
			fmt.Sprintf("p, role:%s, applications, get, %s/*, allow", team, team),
			fmt.Sprintf("p, role:%s, applications, sync, %s/*, allow", team, team),
			fmt.Sprintf("p, role:%s, logs, get, %s/*, allow", team, team),
			fmt.Sprintf("p, role:%s, projects, get, %s, allow", team, team),
			fmt.Sprintf("g, %s, role:%s", GroupID(k), team),
		} {
			if lines == n {
				break
			}
			b.WriteString(l)
			b.WriteByte('\n')
			lines++
		}
	}
	return b.String()
}

// Groups returns the identity provider groups that a policy of n lines binds.
func Groups(n int) []settings.Group {
	out := make([]settings.Group, 0, Teams(n))
	for k := 0; k < Teams(n); k++ {
		out = append(out, settings.Group{ID: GroupID(k), Name: fmt.Sprintf("team-%05d", k)})
	}
	return out
}

// AWSGroupsJSON is Groups(n) in the JSON `aws identitystore list-groups`
// prints, for a settings file's identity.groupsFile.
func AWSGroupsJSON(n int, extra ...settings.Group) string {
	var b strings.Builder
	b.WriteString("{\"Groups\": [\n")
	all := append(append([]settings.Group(nil), extra...), Groups(n)...)
	for i, g := range all {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "  {\"GroupId\": %q, \"DisplayName\": %q, \"IdentityStoreId\": \"d-0000000000\"}", g.ID, g.Name)
	}
	b.WriteString("\n]}\n")
	return b.String()
}
