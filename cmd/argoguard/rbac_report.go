package main

// `argoguard rbac validate`, `who-can` and `diff`: reports over a policy
// file; the logic lives in policy/rbac and policy/rules.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

func rbacValidateCmd() *cobra.Command {
	var policyPath, settingsPath, output string
	c := &cobra.Command{
		Use:   "validate --policy-file F [--settings S]",
		Short: "Report every RBAC finding (exit 0 clean, 1 on deny findings, 2 on unusable input)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadSettings(settingsPath)
			if err != nil {
				return err
			}
			f, err := loadPolicyFile(policyPath, set)
			if err != nil {
				return err
			}
			reg, err := loadRules()
			if err != nil {
				return err
			}
			all, err := reg.Evaluate(&policy.Snapshot{Settings: set, RBACCM: f.obj})
			if err != nil {
				return usageErr("%v", err)
			}
			var found []policy.Finding
			deny := false
			for _, fd := range all {
				if strings.HasPrefix(fd.RuleID, "RBAC-") {
					found = append(found, fd)
					deny = deny || fd.Action == policy.ActionDeny
				}
			}
			out := cmd.OutOrStdout()
			switch output {
			case "json":
				if found == nil {
					found = []policy.Finding{}
				}
				if err := writeJSON(out, found); err != nil {
					return err
				}
			case "text", "":
				if len(found) == 0 {
					fmt.Fprintln(out, "Policy is valid: no findings.")
				}
				for _, fd := range found {
					fmt.Fprintf(out, "%s %s (%s) %s: %s\n", strings.ToUpper(string(fd.Action)), fd.RuleID, fd.Severity, f.findingWhere(fd.Location), fd.Message)
					if fd.Fix != "" {
						fmt.Fprintf(out, "    fix: %s\n", fd.Fix)
					}
				}
			default:
				return usageErr("--output must be text or json")
			}
			if deny {
				return silentExit(1)
			}
			return nil
		},
	}
	c.Flags().StringVar(&policyPath, "policy-file", "", "argocd-rbac-cm ConfigMap YAML or CSV policy file")
	c.Flags().StringVar(&settingsPath, "settings", "", "argoguard settings file (known groups, admin groups, invariants)")
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return c
}

func (f *policyFile) findingWhere(l policy.Location) string {
	if l.Key == "" {
		return f.path
	}
	if l.Line == 0 {
		return fmt.Sprintf("%s: data[%q]", f.path, l.Key)
	}
	return f.where(l.Key, l.Line)
}

func rbacWhoCanCmd() *cobra.Command {
	var (
		o      enforcerFlags
		output string
	)
	c := &cobra.Command{
		Use:   "who-can ACTION RESOURCE OBJECT",
		Short: "List every subject in the policy that may do an action, with the line that grants it",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, e, err := o.enforcer()
			if err != nil {
				return err
			}
			res, act, obj, _ := request(args[1], args[0], args[2], false)
			r := e.WhoCan(res, act, obj)
			out := cmd.OutOrStdout()
			if output == "json" {
				return writeJSON(out, r)
			}
			if output != "text" && output != "" {
				return usageErr("--output must be text or json")
			}
			fmt.Fprintf(out, "Who can %s %s %s:\n", act, res, obj)
			if r.Everyone {
				fmt.Fprintf(out, "  EVERY USER through policy.default %s (%s)\n", e.DefaultRole(), f.lineRef(r.DefaultGrant.Line))
			}
			for _, g := range r.Subjects {
				kind := ""
				switch {
				case g.Role:
					kind = " [role]"
				case g.IgnoredAsGroup:
					kind = " [user id only: no g line, so not honoured as a group]"
				}
				var via []string
				for _, l := range g.Via {
					via = append(via, fmt.Sprintf("%s -> %s (%s)", l.Subject(), l.Role(), f.lineRef(l)))
				}
				fmt.Fprintf(out, "  %s%s: %s", g.Subject, kind, f.lineRef(g.Line))
				if len(via) > 0 {
					fmt.Fprintf(out, " via %s", strings.Join(via, ", "))
				}
				fmt.Fprintln(out)
			}
			if !r.Everyone && len(r.Subjects) == 0 {
				fmt.Fprintln(out, "  nobody")
			}
			return nil
		},
	}
	o.add(c)
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return c
}

func rbacDiffCmd() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Show who gains and who loses which permission between two policies",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var enfs [2]*rbac.Enforcer
			var files [2]*policyFile
			for i, path := range args {
				f, err := loadPolicyFile(path, nil)
				if err != nil {
					return err
				}
				p, err := f.parse()
				if err != nil {
					return err
				}
				files[i] = f
				enfs[i], _ = rbac.NewEnforcer(p)
			}
			d := rbac.Diff(enfs[0], enfs[1])
			out := cmd.OutOrStdout()
			if output == "json" {
				if d.Changes == nil {
					d.Changes = []rbac.Change{}
				}
				if d.Roles == nil {
					d.Roles = []rbac.RoleChange{}
				}
				return writeJSON(out, d)
			}
			if output != "text" && output != "" {
				return usageErr("--output must be text or json")
			}
			if d.MatchModeChanged {
				fmt.Fprintln(out, "! match mode changes between glob and regex: every pattern changes meaning")
			}
			if d.OldDefault != d.NewDefault {
				fmt.Fprintf(out, "! policy.default: %q -> %q\n", d.OldDefault, d.NewDefault)
			}
			for _, rc := range d.Roles {
				sign, f, verb := "-", files[0], "loses"
				if rc.Gained {
					sign, f, verb = "+", files[1], "gains"
				}
				fmt.Fprintf(out, "%s %s %s role %s  (%s)\n", sign, rbac.SubjectName(rc.Subject), verb, rc.Role, f.lineRef(rc.Line))
			}
			// Permission changes, at most maxDiffLines per subject (JSON has all).
			const maxDiffLines = 8
			shown := map[string]int{}
			for _, ch := range d.Changes {
				shown[ch.Subject]++
				if n := shown[ch.Subject]; n > maxDiffLines {
					continue
				}
				sign := "-"
				if ch.Gained {
					sign = "+"
				}
				// The line is in the new policy for an added allow or deny,
				// in the old one for a removed line.
				f := files[0]
				if ch.Gained == (ch.Perm.Effect == "allow") {
					f = files[1]
				}
				fmt.Fprintf(out, "%s %s  (%s)\n", sign, ch.Describe(), f.lineRef(ch.Line))
			}
			for _, sub := range sortedKeys(shown) {
				if n := shown[sub]; n > maxDiffLines {
					fmt.Fprintf(out, "  ... %s: %d more permission changes (--output json lists all)\n", rbac.SubjectName(sub), n-maxDiffLines)
				}
			}
			if len(d.Changes) == 0 && !d.MatchModeChanged {
				fmt.Fprintln(out, "No change in permissions.")
			}
			return nil
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return c
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
