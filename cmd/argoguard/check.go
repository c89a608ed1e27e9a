package main

// `argoguard check`: run every rule (RBAC and SSO) on the guarded objects
// from files, folders, stdin or a live cluster, the way the webhook would
// judge them together.

import (
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
)

func checkCmd() *cobra.Command {
	var (
		in            checkInputs
		failOn        string
		applyDefaults bool
		now           string
		out           *output
	)
	c := &cobra.Command{
		Use:   "check PATH... | --kubeconfig FILE",
		Short: "Check argocd-cm, argocd-rbac-cm and the Workflows ConfigMap in manifests (files, folders, - for stdin) or a cluster",
		Long: "check reads Kubernetes manifests (files, folders read recursively, multi-document YAML, JSON, or - for\n" +
			"stdin, e.g. `kustomize build . | argoguard check -`) or a live cluster (--kubeconfig), finds the guarded\n" +
			"ConfigMaps by name and namespace (from --settings) and the Secrets they reference, and runs every rule on\n" +
			"them together.\n\n" +
			"Exit status: 0 when nothing would be denied, 1 when something would be (or, with --fail-on warn, when\n" +
			"anything would be denied or warned about), 2 when the input or the settings are unusable. Referenced\n" +
			"Secrets count as known when at least one Secret manifest is given.",
		Example: "  argoguard check gitops/argocd/ --settings argoguard-settings.yaml\n" +
			"  kustomize build . | argoguard check - -o json\n" +
			"  argoguard check --kubeconfig ~/.kube/config --rule RBAC-007",
		RunE: func(c *cobra.Command, args []string) error {
			if failOn != "deny" && failOn != "warn" {
				return usageErr("--fail-on %q: use deny or warn", failOn)
			}
			t, err := parseNow(now, time.Now().UTC())
			if err != nil {
				return err
			}
			l, err := in.load(c, args)
			if err != nil {
				return err
			}
			reg, snap := l.reg, l.snap
			snap.Now = t
			var applied []policy.Patch
			if applyDefaults {
				applied = reg.ApplyDefaults(snap)
			}
			findings, err := reg.EvaluateOnly(snap, l.ids)
			if err != nil {
				var rp *policy.RulePanic
				if errors.As(err, &rp) {
					return usageErr("internal error, the check is incomplete: %v", err)
				}
				return usageErr("%v", err)
			}
			res := report.NewCheckResult(snap, findings, l.set.Mode)
			_, err = out.write(c, func(w io.Writer) error {
				if applyDefaults {
					if err := report.WriteDefaulted(w, c.ErrOrStderr(), snap, applied); err != nil {
						return err
					}
					report.WriteCheckText(c.ErrOrStderr(), res)
					return nil
				}
				switch out.format {
				case "json":
					return report.WriteCheckJSON(w, res)
				case "yaml":
					return report.WriteCheckYAML(w, res)
				}
				report.WriteCheckText(w, res)
				return nil
			})
			if err != nil {
				return usageErr("%v", err)
			}
			if res.Summary.Deny > 0 || (failOn == "warn" && res.Summary.Warn > 0) {
				return silentExit(1)
			}
			return nil
		},
	}
	in.add(c)
	out = addOutput(c, false, "text", "json", "yaml")
	f := c.Flags()
	f.StringVar(&failOn, "fail-on", "deny", "exit 1 on findings that would be denied (deny) or also warned about (warn)")
	f.BoolVar(&applyDefaults, "apply-defaults", false, "print the guarded ConfigMaps with the defaults applied (and check those)")
	f.StringVar(&now, "now", "", "the time certificate checks compare with, RFC 3339 (default: now)")
	return c
}
