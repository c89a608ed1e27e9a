// Package rbactest generates realistic argocd-rbac-cm policies of a given
// size, for benchmarks here and in test/conformance (the same inputs, so
// the timings can be compared).
package rbactest

import (
	"fmt"
	"strings"
)

// GroupID returns the i-th synthetic IAM Identity Center GroupId.
func GroupID(i int) string {
	return fmt.Sprintf("%08x-%04x-70%02x-%04x-%012x", 0x94e8e4a8+i, i%0x10000, i%0x100, 0x3f1c+i%0x1000, 0x5e6d2b7c9a01+i)
}

// Policy returns argocd-rbac-cm data with about `lines` policy lines: one
// role per team with sync/get/action/logs grants on its projects, a deny
// now and then, a group (GroupId) and a user per team bound with g lines,
// some role inheritance, spread over policy.csv and policy.team-<k>.csv
// overlays (1,000 lines each), policy.default role:readonly, scopes
// [groups, email].
func Policy(lines int) map[string]string {
	data := map[string]string{
		"policy.default": "role:readonly",
		"scopes":         "[groups, email]",
	}
	var cur []string
	key := "policy.csv"
	flush := func() {
		data[key] = strings.Join(cur, "\n") + "\n"
		cur = cur[:0]
	}
	n := 0
	for team := 0; n < lines; team++ {
		role := fmt.Sprintf("role:team-%d", team)
		proj := fmt.Sprintf("team-%d", team)
		block := []string{
			fmt.Sprintf("# team %d", team),
			fmt.Sprintf("p, %s, applications, get, %s/*, allow", role, proj),
			fmt.Sprintf("p, %s, applications, sync, %s/*, allow", role, proj),
			fmt.Sprintf("p, %s, applications, action/*, %s/*, allow", role, proj),
			fmt.Sprintf("p, %s, logs, get, %s/*, allow", role, proj),
			fmt.Sprintf("p, %s, applicationsets, get, %s/*, allow", role, proj),
			fmt.Sprintf("p, %s, repositories, get, %s/*, allow", role, proj),
			fmt.Sprintf("g, %s, %s", GroupID(team), role),
			fmt.Sprintf("g, user%d@example.com, %s", team, role),
		}
		if team%5 == 0 {
			block = append(block, fmt.Sprintf("p, %s, applications, sync, %s/prod-*, deny", role, proj))
		}
		if team%7 == 1 {
			block = append(block, fmt.Sprintf("g, %s, role:team-%d", role, team-1))
		}
		for _, l := range block {
			if n >= lines {
				break
			}
			cur = append(cur, l)
			n++
			if n%1000 == 0 {
				flush()
				key = fmt.Sprintf("policy.team-%05d.csv", n/1000)
			}
		}
	}
	if len(cur) > 0 || data[key] == "" {
		flush()
	}
	return data
}
