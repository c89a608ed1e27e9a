package main

// `argoguard report`: findings and the permission matrix of the guarded
// objects, from files or a live cluster, as HTML, Markdown, JSON, SARIF or
// JUnit. The logic lives in policy/report.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
)

func init() { rootCmd.AddCommand(reportCmd()) }

// reportWriters are the output formats.
var reportWriters = map[string]func(io.Writer, *report.Report) error{
	"html":     report.WriteHTML,
	"md":       report.WriteMarkdown,
	"markdown": report.WriteMarkdown,
	"json":     report.WriteJSON,
	"sarif":    report.WriteSARIF,
	"junit":    report.WriteJUnit,
}

type reportFlags struct {
	kubeconfig, kubeContext string
	settingsPath            string
	baseline                string
	format                  string
	outFile                 string
	now                     string
	repoRoot                string
}

func reportCmd() *cobra.Command {
	var o reportFlags
	c := &cobra.Command{
		Use:   "report PATH... | --kubeconfig FILE",
		Short: "Write a review report: findings, permission matrix, and what a change grants and revokes",
		Long: "Checks the guarded ConfigMaps read from PATHs (files, folders, - for stdin) or from a live\n" +
			"cluster, and writes the findings by severity, the permission matrix (every cell as\n" +
			"`argoguard rbac can` answers it) and, with --baseline, the RBAC permissions the change\n" +
			"grants and revokes. Formats: html (self-contained, printable), md, json, sarif, junit.",
		Example: "  argoguard report gitops/argocd/ --settings argoguard-settings.yaml --output html -o report.html\n" +
			"  argoguard report new/ --baseline old/ --output md        # a pull-request comment\n" +
			"  argoguard report . --output sarif -o argoguard.sarif      # code scanning\n" +
			"  argoguard report --kubeconfig ~/.kube/config --output json",
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(cmd, args, o) },
	}
	f := c.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "read the live objects from this cluster instead of PATHs")
	f.StringVar(&o.kubeContext, "context", "", "kubeconfig context (default: the current one)")
	f.StringVar(&o.settingsPath, "settings", "", "argoguard settings file (names, groups, rule actions)")
	f.StringVar(&o.baseline, "baseline", "", "the configuration before the change (file or folder): adds what it grants and revokes")
	f.StringVar(&o.format, "output", "html", "html, md, json, sarif or junit")
	f.StringVarP(&o.outFile, "output-file", "o", "", "write to this file (default: stdout)")
	f.StringVar(&o.now, "now", "", "report time, RFC 3339 (default: the current time); \"none\" leaves it out")
	f.StringVar(&o.repoRoot, "repo-root", "", "show file paths relative to this folder, as code scanning expects (default: the git work tree around the current folder)")
	return c
}

func runReport(cmd *cobra.Command, args []string, o reportFlags) error {
	write, ok := reportWriters[o.format]
	if !ok {
		return usageErr("--output %q: want html, md, json, sarif or junit", o.format)
	}
	if (len(args) == 0) == (o.kubeconfig == "") {
		return usageErr("give PATHs or --kubeconfig (one of them)")
	}
	now := time.Now().UTC().Truncate(time.Second)
	switch o.now {
	case "":
	case "none":
		now = time.Time{}
	default:
		t, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return usageErr("--now: %v", err)
		}
		now = t
	}
	set, err := loadSettings(o.settingsPath)
	if err != nil {
		return err
	}

	var snap *policy.Snapshot
	if o.kubeconfig != "" {
		var err error
		if snap, err = clusterSnapshot(cmd.Context(), o.kubeconfig, o.kubeContext, set); err != nil {
			return usageErr("%v", err)
		}
	} else {
		ms, err := manifest.Load(set, cmd.InOrStdin(), args...)
		if err != nil {
			return usageErr("%v", err)
		}
		if len(ms.Objects()) == 0 {
			return usageErr("none of the guarded ConfigMaps (%s/%s, %s/%s, %s/%s) is in the input; set other names in --settings",
				set.ArgoCD.Namespace, set.ArgoCD.ConfigMap, set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap,
				set.Workflows.Namespace, set.Workflows.ConfigMap)
		}
		snap = ms.Snapshot(set, time.Time{})
		if err := relativeSources(snap, o.repoRoot); err != nil {
			return usageErr("--repo-root: %v", err)
		}
	}
	if !now.IsZero() {
		snap.Now = now
	} else {
		snap.Now = time.Now()
	}

	var baseline *policy.Object
	if o.baseline != "" {
		old, err := manifest.Load(set, cmd.InOrStdin(), o.baseline)
		if err != nil {
			return usageErr("--baseline: %v", err)
		}
		if old.RBACCM == nil {
			return usageErr("--baseline %s: no ConfigMap %s/%s in it", o.baseline, set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap)
		}
		baseline = old.RBACCM
		if err := relativeSources(&policy.Snapshot{RBACCM: baseline}, o.repoRoot); err != nil {
			return usageErr("--repo-root: %v", err)
		}
	}

	reg, err := loadRules()
	if err != nil {
		return err
	}
	findings, err := reg.Evaluate(snap)
	if err != nil {
		return fmt.Errorf("evaluation incomplete: %w", err)
	}
	r := report.Build(report.Input{
		Snapshot: snap, Findings: findings, Rules: reg.Rules(), Baseline: baseline, Now: now,
	})

	var buf bytes.Buffer
	if err := write(&buf, r); err != nil {
		return err
	}
	if o.outFile == "" || o.outFile == "-" {
		_, err := cmd.OutOrStdout().Write(buf.Bytes())
		return err
	}
	if dir := filepath.Dir(o.outFile); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(o.outFile, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s): %s\n", o.outFile, o.format, strings.TrimSuffix(summaryText(r), "."))
	return nil
}

func summaryText(r *report.Report) string {
	s := r.Summary
	return fmt.Sprintf("%d finding(s) on %d object(s): %d deny, %d warn, %d audit.",
		s.Findings, s.Objects, s.ByAction["deny"], s.ByAction["warn"], s.ByAction["audit"])
}

// relativeSources rewrites the objects' file paths relative to root (or
// the git work tree around the current folder, else the current folder),
// with forward slashes: SARIF consumers resolve them against the
// repository. Paths outside root stay as given.
func relativeSources(snap *policy.Snapshot, root string) error {
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		root = gitRoot(wd)
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	for _, o := range append(snap.Objects(), snap.Secrets...) {
		if o == nil || o.Source == nil || o.Source.File == "" || o.Source.File == "<stdin>" {
			continue
		}
		abs, err := filepath.Abs(o.Source.File)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			o.Source.File = filepath.ToSlash(rel)
		}
	}
	return nil
}

// gitRoot returns the nearest folder at or above dir holding .git, or dir.
func gitRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}
