package report

// What the Workflows accounts the groups land on may do in Kubernetes: the
// rules of the Roles and ClusterRoles bound to them, when the caller read
// the cluster's RBAC objects (the CLI with --kubeconfig).

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy/k8srbac"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

// AccountsAccess is, per Workflows account some group's login lands on,
// its Kubernetes permissions.
type AccountsAccess struct {
	Accounts []k8srbac.Permissions `json:"accounts"`
}

// buildAccounts answers for every account a group is "selected" into, in
// account order.
func buildAccounts(groups []GroupAccess, objs *k8srbac.Objects) *AccountsAccess {
	seen := map[string]bool{}
	var keys []string
	for _, g := range groups {
		if g.Workflows == nil {
			continue
		}
		outs := g.Workflows.Outcomes
		for _, d := range g.Workflows.Delegated {
			outs = append(slices.Clip(outs), d.Outcomes...)
		}
		for _, o := range outs {
			if o.Result == wfrbac.Selected.String() && o.Account != "" && !seen[o.Account] {
				seen[o.Account] = true
				keys = append(keys, o.Account)
			}
		}
	}
	sort.Strings(keys)
	out := &AccountsAccess{Accounts: []k8srbac.Permissions{}}
	for _, k := range keys {
		out.Accounts = append(out.Accounts, accountPermissions(k, *objs))
	}
	return out
}

// writeAccountsMarkdown prints each account's rules, one bullet a rule.
func writeAccountsMarkdown(b *strings.Builder, a *AccountsAccess) {
	if a == nil {
		return
	}
	b.WriteString("## Workflows accounts in Kubernetes\n\n")
	b.WriteString("What each ServiceAccount a group lands on may do in the cluster: the rules of the Roles and ClusterRoles bound to it, per namespace.\n\n")
	if len(a.Accounts) == 0 {
		b.WriteString("No group lands on a Workflows account.\n\n")
		return
	}
	for _, p := range a.Accounts {
		fmt.Fprintf(b, "**%s**\n\n", mdCode(p.Account))
		for _, l := range p.Lines() {
			fmt.Fprintf(b, "- %s\n", mdText(l))
		}
		b.WriteString("\n")
	}
}
