package main

// `argoguard rbac validate`, `who-can` and `diff`: reports over a policy
// file; the logic lives in policy/rbac and policy/rules, the text in
// policy/report.

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/report"
)

func rbacValidateCmd() *cobra.Command {
	var (
		o   policyFlags
		out *output
	)
	c := &cobra.Command{
		Use:   "validate --policy-file F [--settings S]",
		Short: "Report every RBAC finding (exit 0 clean, 1 on deny findings, 2 on unusable input)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, set, err := o.load(cmd)
			if err != nil {
				return err
			}
			reg, err := loadRules()
			if err != nil {
				return err
			}
			all, err := reg.Evaluate(&policy.Snapshot{Settings: set, RBACCM: f.Object})
			if err != nil {
				return usageErr("%v", err)
			}
			found := []policy.Finding{}
			deny := false
			for _, fd := range all {
				if strings.HasPrefix(fd.RuleID, "RBAC-") {
					found = append(found, fd)
					deny = deny || fd.Action == policy.ActionDeny
				}
			}
			_, err = out.write(cmd, func(w io.Writer) error {
				if out.format == "json" {
					return report.WriteIndentedJSON(w, found)
				}
				report.WriteValidateText(w, found, f)
				return nil
			})
			if err != nil {
				return err
			}
			if deny {
				return silentExit(1)
			}
			return nil
		},
	}
	o.add(c)
	out = addOutput(c, false, "text", "json")
	return c
}

func rbacWhoCanCmd() *cobra.Command {
	var (
		o         enforcerFlags
		out       *output
		workflows bool
		accounts  []string
	)
	c := &cobra.Command{
		Use:   "who-can ACTION RESOURCE OBJECT | --workflows [ACCOUNT]",
		Short: "List every subject in the policy that may do an action, with the line that grants it; with --workflows, the groups acting as each Workflows account",
		Long: "Without --workflows: every subject of argocd-rbac-cm (and, with --projects or --kubeconfig, of the\n" +
			"AppProjects' roles) that may do ACTION on RESOURCE OBJECT, with the line that grants it.\n\n" +
			"With --workflows: for each rbac-rule ServiceAccount of the Workflows namespace (from\n" +
			"--service-accounts files or folders, or the cluster with --kubeconfig), highest precedence\n" +
			"first, the groups of --settings whose login argo-server makes act as it, those for which it\n" +
			"depends on the order of equal precedences, those its rule refuses, and the logins no rule\n" +
			"matches; with --kubeconfig also what the account may do in Kubernetes. ACCOUNT (name or\n" +
			"namespace/name) shows that account alone.",
		Example: "  argoguard rbac who-can sync applications 'team-a/*' --policy-file argocd-rbac-cm.yaml\n" +
			"  argoguard rbac who-can --workflows --service-accounts workflows/ --settings argoguard-settings.yaml\n" +
			"  argoguard rbac who-can --workflows argo-admin --kubeconfig ~/.kube/config --settings argoguard-settings.yaml",
		// --workflows is a flag, not a `workflows` pseudo-resource: it asks
		// another question (which account a login acts as, not who may do
		// an action), takes other arguments and inputs, and a resource name
		// would pass through Argo CD's resource aliases and --strict checks
		// and could shadow a resource Argo CD adds.
		Args: func(c *cobra.Command, args []string) error {
			if workflows {
				if len(args) > 1 {
					return usageErr("--workflows takes at most one ACCOUNT")
				}
				return nil
			}
			if len(args) != 3 {
				return usageErr("need ACTION RESOURCE OBJECT (or --workflows [ACCOUNT])")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if workflows {
				return workflowsWhoCan(cmd, &o, accounts, args, out)
			}
			if len(accounts) > 0 {
				return usageErr("--service-accounts goes with --workflows")
			}
			f, set, e, err := o.enforcerSettings(cmd)
			if err != nil {
				return err
			}
			view, err := o.projects(cmd, f, set, e)
			if err != nil {
				return err
			}
			res, act, obj, _ := request(args[1], args[0], args[2], false)
			var loc report.PolicyLocator = f
			if view != nil {
				e, loc = view.forRequest(res, obj), view.loc
			}
			r := e.WhoCan(res, act, obj)
			_, err = out.write(cmd, func(w io.Writer) error {
				if out.format == "json" {
					return report.WriteIndentedJSON(w, r)
				}
				report.WriteWhoCanText(w, r, e.DefaultRole(), act, res, obj, loc)
				return nil
			})
			return err
		},
	}
	o.add(c)
	out = addOutput(c, false, "text", "json")
	c.Flags().BoolVar(&workflows, "workflows", false, "answer for Argo Workflows: which groups act as each rbac-rule ServiceAccount")
	c.Flags().StringSliceVar(&accounts, "service-accounts", nil, "with --workflows: ServiceAccount manifests (files, folders, - for stdin); "+
		"a workflow-controller-configmap among them is read too")
	return c
}

func rbacDiffCmd() *cobra.Command {
	var (
		in         inputs
		out        *output
		policyFile string
	)
	c := &cobra.Command{
		Use:   "diff OLD NEW | --kubeconfig FILE NEW",
		Short: "Show who gains and who loses which permission between two policies or AppProjects (OLD: the cluster's with --kubeconfig)",
		Long: "OLD and NEW are argocd-rbac-cm (manifest or CSV), or both hold AppProjects (files or folders): then\n" +
			"each project's change is judged as argocd-server answers requests about that project, over the\n" +
			"global policy of --policy-file (the cluster's argocd-rbac-cm with --kubeconfig, else the built-in\n" +
			"policy alone).",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := in.settings()
			if err != nil {
				return err
			}
			if in.live() != (len(args) == 1) {
				return usageErr("give OLD and NEW, or --kubeconfig and NEW")
			}
			if done, err := diffProjects(cmd, &in, out, set, policyFile, args); done || err != nil {
				return err
			}
			if policyFile != "" {
				return usageErr("--policy-file is the global policy of an AppProject diff; OLD and NEW hold no AppProjects")
			}
			var files []*manifest.PolicyFile
			if in.live() {
				f, err := in.readPolicy(cmd, "", set)
				if err != nil {
					return err
				}
				files = append(files, f)
			}
			for _, path := range args {
				f, err := in.readPolicy(cmd, path, set)
				if err != nil {
					return err
				}
				files = append(files, f)
			}
			var enfs [2]*rbac.Enforcer
			for i, f := range files {
				p, err := f.Parse()
				if err != nil {
					return usageErr("%v", err)
				}
				enfs[i], _ = rbac.NewEnforcer(p)
			}
			d := rbac.Diff(enfs[0], enfs[1])
			_, err = out.write(cmd, func(w io.Writer) error {
				if out.format == "json" {
					if d.Changes == nil {
						d.Changes = []rbac.Change{}
					}
					if d.Roles == nil {
						d.Roles = []rbac.RoleChange{}
					}
					return report.WriteIndentedJSON(w, d)
				}
				report.WriteDiffText(w, d, files[0], files[1])
				return nil
			})
			return err
		},
	}
	in.add(c)
	out = addOutput(c, false, "text", "json")
	c.Flags().StringVar(&policyFile, "policy-file", "", "argocd-rbac-cm (manifest or CSV) under AppProjects OLD and NEW (default: the built-in policy alone)")
	return c
}
