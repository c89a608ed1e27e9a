package main

// `argoguard rbac who-can --workflows [ACCOUNT]`: which groups of the
// settings act as each rbac-rule ServiceAccount of the Workflows namespace.
// The answers are policy/report's (the report's per-group table read per
// account).

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
)

func workflowsWhoCan(c *cobra.Command, o *enforcerFlags, paths, args []string, out *output) error {
	if o.policyFile != "" || len(o.projectPaths) > 0 {
		return usageErr("--workflows reads ServiceAccounts (--service-accounts or --kubeconfig), not --policy-file or --projects")
	}
	if (len(paths) == 0) == !o.live() {
		return usageErr("--workflows: give --service-accounts or --kubeconfig (one of them)")
	}
	set, err := o.settings()
	if err != nil {
		return err
	}
	snap, err := workflowsSnapshot(c, &o.inputs, set, paths)
	if err != nil {
		return err
	}
	objs, err := o.clusterRBAC(c)
	if err != nil {
		return err
	}
	r := report.BuildWorkflowsWhoCan(snap, objs)
	if r == nil {
		return usageErr("no ServiceAccount of %s carries a workflows.argoproj.io/rbac-rule annotation", set.Workflows.Namespace)
	}
	if len(args) == 1 && !r.Only(args[0]) {
		return usageErr("no rbac-rule ServiceAccount %s in %s", args[0], set.Workflows.Namespace)
	}
	if len(set.Identity.Groups) == 0 {
		fmt.Fprintln(c.ErrOrStderr(), "note: the settings list no identity-provider group: only a login without groups is answered (give --settings)")
	}
	_, err = out.write(c, func(w io.Writer) error {
		if out.format == "json" {
			return report.WriteIndentedJSON(w, r)
		}
		report.WriteWorkflowsWhoCanText(w, r)
		return nil
	})
	return err
}

// workflowsSnapshot reads the rbac-rule ServiceAccounts (and the
// workflow-controller-configmap, for whether rbac-rules are on) from paths
// or from the cluster.
func workflowsSnapshot(c *cobra.Command, o *inputs, set *settings.Settings, paths []string) (*policy.Snapshot, error) {
	if o.live() {
		snap, err := o.snapshot(c, nil, set)
		if err != nil {
			return nil, err
		}
		if slices.Contains(snap.Unlisted, policy.KindServiceAccount) {
			return nil, usageErr("may not list the ServiceAccounts of %s: nothing to answer", set.Workflows.Namespace)
		}
		return snap, nil
	}
	ms, err := loadManifests(c, set, paths)
	if err != nil {
		return nil, err
	}
	return ms.Snapshot(set, time.Time{}), nil
}
