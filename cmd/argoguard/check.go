package main

// `argoguard check`: run every rule (RBAC and SSO) on manifests from files,
// folders or stdin, the way the webhook would judge them together.

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
)

type checkOptions struct {
	settingsFile  string
	output        string
	failOn        string
	applyDefaults bool
	now           string
}

func init() {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check PATH...",
		Short: "Check argocd-cm, argocd-rbac-cm and the Workflows ConfigMap in manifests (files, folders, - for stdin)",
		Long: "check reads Kubernetes manifests (files, folders read recursively, multi-document YAML, JSON, or - for\n" +
			"stdin, e.g. `kustomize build . | argoguard check -`), finds the guarded ConfigMaps by name and namespace\n" +
			"(from --settings) and the Secrets they reference, and runs every rule on them together.\n\n" +
			"Exit status: 0 when nothing would be denied, 1 when something would be (or, with --fail-on warn, when\n" +
			"anything would be denied or warned about), 2 when the input or the settings are unusable. Referenced\n" +
			"Secrets count as known when at least one Secret manifest is given.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runCheck(c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr(), args, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.settingsFile, "settings", "", "argoguard settings file (default: stock names, enforce mode)")
	f.StringVarP(&o.output, "output", "o", "text", "output format: text, json or yaml")
	f.StringVar(&o.failOn, "fail-on", "deny", "exit 1 on findings that would be denied (deny) or also warned about (warn)")
	f.BoolVar(&o.applyDefaults, "apply-defaults", false, "print the guarded ConfigMaps with the defaults applied (and check those)")
	f.StringVar(&o.now, "now", "", "the time certificate checks compare with, RFC 3339 (default: now)")
	rootCmd.AddCommand(cmd)
}

func runCheck(stdin io.Reader, stdout, stderr io.Writer, paths []string, o checkOptions) error {
	switch o.output {
	case "text", "json", "yaml":
	default:
		return usageErr("--output %q: use text, json or yaml", o.output)
	}
	if o.failOn != "deny" && o.failOn != "warn" {
		return usageErr("--fail-on %q: use deny or warn", o.failOn)
	}
	now := time.Now().UTC()
	if o.now != "" {
		t, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return usageErr("--now: %v", err)
		}
		now = t
	}
	set, err := loadSettings(o.settingsFile)
	if err != nil {
		return err
	}
	ms, err := manifest.Load(set, stdin, paths...)
	if err != nil {
		return usageErr("%v", err)
	}
	for _, n := range ms.Notes {
		fmt.Fprintln(stderr, "note:", n)
	}
	if len(ms.Objects()) == 0 {
		return usageErr("no guarded ConfigMap found in the input (looked for %s/%s, %s/%s and %s/%s; set other names in --settings)",
			set.ArgoCD.Namespace, set.ArgoCD.ConfigMap, set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap,
			set.Workflows.Namespace, set.Workflows.ConfigMap)
	}
	reg, err := loadRules()
	if err != nil {
		return err
	}
	snap := ms.Snapshot(set, now)
	var applied []policy.Patch
	if o.applyDefaults {
		applied = applyDefaults(reg, snap)
	}
	findings, err := reg.Evaluate(snap)
	if err != nil {
		var rp *policy.RulePanic
		if errors.As(err, &rp) {
			return usageErr("internal error, the check is incomplete: %v", err)
		}
		return usageErr("%v", err)
	}
	res := newCheckResult(snap, findings, set.Mode)
	if o.applyDefaults {
		if err := writeDefaulted(stdout, stderr, snap, applied); err != nil {
			return usageErr("%v", err)
		}
		writeText(stderr, res)
	} else {
		switch o.output {
		case "json":
			err = writeCheckJSON(stdout, res)
		case "yaml":
			err = writeCheckYAML(stdout, res)
		default:
			writeText(stdout, res)
		}
		if err != nil {
			return usageErr("%v", err)
		}
	}
	if res.Summary.Deny > 0 || (o.failOn == "warn" && res.Summary.Warn > 0) {
		return silentExit(1)
	}
	return nil
}

// applyDefaults replaces the snapshot's ConfigMaps by their defaulted
// versions and returns the patches applied.
func applyDefaults(reg *policy.Registry, snap *policy.Snapshot) []policy.Patch {
	var all []policy.Patch
	for _, slot := range []**policy.Object{&snap.ArgoCDCM, &snap.RBACCM, &snap.WorkflowsCM} {
		obj := *slot
		if obj == nil {
			continue
		}
		patches := reg.Default(snap, obj)
		if len(patches) == 0 {
			continue
		}
		cp := *obj
		cp.Data = make(map[string]string, len(obj.Data))
		for k, v := range obj.Data {
			cp.Data[k] = v
		}
		for _, p := range patches {
			cp.Data[p.Key] = p.Value
		}
		*slot = &cp
		all = append(all, patches...)
	}
	return all
}
