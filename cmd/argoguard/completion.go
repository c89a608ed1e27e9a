package main

// Shell completion (cobra's `argoguard completion`) of what argoguard
// knows cheaply: rule IDs, the subjects of a policy file, the settings'
// groups.

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

// addRuleFlag adds --rule (repeatable: only these rules), completed with
// the catalogue's IDs and titles.
func addRuleFlag(c *cobra.Command, ids *[]string) {
	c.Flags().StringSliceVar(ids, "rule", nil, "run only these rules (IDs, repeatable or comma-separated; default: all)")
	_ = c.RegisterFlagCompletionFunc("rule", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		reg, err := loadRules()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []string
		for _, r := range reg.Rules() {
			out = append(out, r.ID+"\t"+r.Title)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// ruleSet checks --rule against the catalogue: nil (every rule) when none
// is given.
func ruleSet(reg *policy.Registry, ids []string) (map[string]bool, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	set := map[string]bool{}
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		if !reg.Known(id) {
			return nil, usageErr("--rule %s: no such rule (argoguard check --rule <TAB> lists them)", id)
		}
		set[id] = true
	}
	return set, nil
}

// completeSubjects completes a SUBJECT argument with the subjects and
// roles of --policy-file (nothing when it is not given or unreadable).
func completeSubjects(policyFile *string) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 || *policyFile == "" || *policyFile == "-" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		pf, err := manifest.ReadPolicyFile(*policyFile, nil, nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		seen := map[string]bool{}
		for _, l := range rbac.Parse(pf.Object.Data).Lines {
			switch l.Type {
			case "p":
				seen[l.Subject()] = true
			case "g":
				seen[l.Subject()], seen[l.Role()] = true, true
			}
		}
		delete(seen, "")
		out := make([]string, 0, len(seen))
		for s := range seen {
			out = append(out, s)
		}
		sort.Strings(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeGroups completes --groups with the groups --settings knows (ID,
// with the name as description).
func completeGroups(settingsPath *string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		if *settingsPath == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		set, err := settingsfile.Load(*settingsPath, nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, g := range set.Identity.Groups {
			out = append(out, g.ID+"\t"+g.Name)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
