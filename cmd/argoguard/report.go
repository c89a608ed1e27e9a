package main

// `argoguard report`: findings and the permission matrix of the guarded
// objects, from files or a live cluster, as HTML, Markdown, JSON, SARIF or
// JUnit. The logic lives in policy/report.

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
)

// reportWriters are the output formats.
var reportWriters = map[string]func(io.Writer, *report.Report) error{
	"html":     report.WriteHTML,
	"md":       report.WriteMarkdown,
	"markdown": report.WriteMarkdown,
	"json":     report.WriteJSON,
	"sarif":    report.WriteSARIF,
	"junit":    report.WriteJUnit,
}

func reportCmd() *cobra.Command {
	var (
		in                      checkInputs
		baseline, now, repoRoot string
		out                     *output
	)
	c := &cobra.Command{
		Use:   "report PATH... | --kubeconfig FILE",
		Short: "Write a review report: findings, permission matrix, and what a change grants and revokes",
		Long: "Checks the guarded ConfigMaps read from PATHs (files, folders, - for stdin) or from a live\n" +
			"cluster, and writes the findings by severity, the permission matrix (every cell as\n" +
			"`argoguard rbac can` answers it) and, with --baseline, the RBAC permissions the change\n" +
			"grants and revokes. Formats: html (self-contained, printable), md, json, sarif, junit.",
		Example: "  argoguard report gitops/argocd/ --settings argoguard-settings.yaml -o html --output-file report.html\n" +
			"  argoguard report new/ --baseline old/ -o md        # a pull-request comment\n" +
			"  argoguard report . -o sarif --output-file argoguard.sarif      # code scanning\n" +
			"  argoguard report --kubeconfig ~/.kube/config -o json",
		RunE: func(c *cobra.Command, args []string) error {
			t := time.Time{} // --now none: no timestamps
			if now != "none" {
				var err error
				if t, err = parseNow(now, time.Now().UTC().Truncate(time.Second)); err != nil {
					return err
				}
			}
			l, err := in.load(c, args)
			if err != nil {
				return err
			}
			set, reg, snap := l.set, l.reg, l.snap
			if err := manifest.RelativeTo(repoRoot, append(append(append(snap.Objects(), snap.Secrets...), snap.Projects...), snap.ServiceAccounts...)...); err != nil {
				return usageErr("--repo-root: %v", err)
			}
			snap.Now = t
			if t.IsZero() {
				snap.Now = time.Now()
			}
			var old *policy.Object
			if baseline != "" {
				ms, err := manifest.Load(set, c.InOrStdin(), baseline)
				if err != nil {
					return usageErr("--baseline: %v", err)
				}
				if ms.RBACCM == nil {
					return usageErr("--baseline %s: no ConfigMap %s/%s in it", baseline, set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap)
				}
				old = ms.RBACCM
				if err := manifest.RelativeTo(repoRoot, old); err != nil {
					return usageErr("--repo-root: %v", err)
				}
			}
			findings, err := reg.EvaluateOnly(snap, l.ids)
			if err != nil {
				return fmt.Errorf("evaluation incomplete: %w", err)
			}
			clusterRBAC, err := in.clusterRBAC(c)
			if err != nil {
				return err
			}
			r := report.Build(report.Input{
				Snapshot: snap, Findings: findings, Rules: reg.Rules(), Baseline: old, Now: t, ClusterRBAC: clusterRBAC,
			})
			file, err := out.write(c, func(w io.Writer) error { return reportWriters[out.format](w, r) })
			if err != nil {
				return err
			}
			if file != "" {
				fmt.Fprintf(c.ErrOrStderr(), "wrote %s (%s): %s\n", file, out.format, r.SummaryLine())
			}
			return nil
		},
	}
	in.add(c)
	out = addOutput(c, true, "html", "md", "markdown", "json", "sarif", "junit")
	f := c.Flags()
	f.StringVar(&baseline, "baseline", "", "the configuration before the change (file or folder): adds what it grants and revokes")
	f.StringVar(&now, "now", "", "report time, RFC 3339 (default: the current time); \"none\" leaves it out")
	f.StringVar(&repoRoot, "repo-root", "", "show file paths relative to this folder, as code scanning expects (default: the git work tree around the current folder)")
	return c
}
