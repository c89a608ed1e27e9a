// Command demo is `make demo`: a local control plane (kube-apiserver and
// etcd) with argoguard registered from deploy/base, the webhook running as
// its ServiceAccount in enforce mode with the guide's settings, and the
// namespaces argocd and argo created. It writes .demo/kubeconfig once all of
// that answers, prints what to try, and runs until Ctrl-C or SIGTERM, then
// stops everything and removes what it wrote.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", ".demo", "folder for the kubeconfig and the run's files (removed on exit)")
	settingsPath := flag.String("settings", "test/testdata/guide/argoguard-settings.yaml", "argoguard settings file")
	assets := flag.String("assets", "bin/k8s/v1.37.2", "folder with kube-apiserver, etcd and kubectl (make controlplane)")
	bin := flag.String("bin", "bin", "folder with the built webhook binary (make build)")
	kustomization := flag.String("kustomization", "deploy/base", "the deploy/ kustomization whose webhook configurations and RBAC are installed")
	flag.Parse()

	root, err := cluster.RepoRoot(".")
	if err != nil {
		return err
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(root, p)
	}
	demoDir := abs(*dir)
	kubeconfig := filepath.Join(demoDir, "kubeconfig")
	runDir := filepath.Join(demoDir, "run")
	// A kubeconfig left by an earlier run points at a control plane that is
	// gone; the file appears again only once this one is ready.
	_ = os.Remove(kubeconfig)
	_ = os.RemoveAll(runDir)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Println("starting kube-apiserver and etcd, then the argoguard webhook ...")
	c, err := cluster.Start(ctx, cluster.Options{
		RepoRoot:         root,
		AssetsDir:        abs(*assets),
		BinDir:           abs(*bin),
		WorkDir:          runDir,
		Kustomization:    *kustomization,
		Namespaces:       []string{"argocd", "argo"},
		AsServiceAccount: true,
	})
	if err != nil {
		return err
	}
	defer func() {
		fmt.Println("stopping the webhook and the control plane ...")
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "demo: stopping:", err)
		}
		_ = os.Remove(kubeconfig)
		_ = os.RemoveAll(runDir)
		fmt.Println("stopped; removed", kubeconfig)
	}()
	// The report CRDs, so the audit controller's PolicyReports show up.
	if res := c.Kubectl(ctx, "apply", "-k", filepath.Join(root, "deploy/crds")); res.Err != nil {
		return fmt.Errorf("installing the report CRDs: %s", res)
	}
	if res := c.Kubectl(ctx, "wait", "--for=condition=Established", "--timeout=120s", "crd/policyreports.wgpolicyk8s.io"); res.Err != nil {
		return fmt.Errorf("report CRDs not established: %s", res)
	}
	w, err := c.StartWebhook(ctx, abs(*settingsPath))
	if err != nil {
		return err
	}
	data, err := os.ReadFile(c.Kubeconfig)
	if err != nil {
		return err
	}
	if err := os.WriteFile(kubeconfig, data, 0o600); err != nil {
		return err
	}

	rel := func(p string) string {
		if r, err := filepath.Rel(root, p); err == nil {
			return r
		}
		return p
	}
	kubectl := rel(c.KubectlPath)
	fmt.Printf(`
argoguard is guarding a local control plane (enforce mode, settings %s).
Namespaces argocd and argo exist; the webhook runs as ServiceAccount argoguard/argoguard
with the RBAC of %s.

  export KUBECONFIG=%s

The guide's configuration, as written (denied, with the rule IDs and fixes):
  %s apply -f test/testdata/guide/as-written/
The fixed configuration (accepted):
  %s apply -f test/testdata/guide/fixed/
The same verdicts without storing anything:
  %s apply --dry-run=server -f test/testdata/guide/as-written/
What the audit controller found in the stored objects:
  %s get policyreports -A

Webhook log: %s
Ctrl-C stops everything and removes %s.
`, rel(abs(*settingsPath)), *kustomization, kubeconfig, kubectl, kubectl, kubectl, kubectl, rel(w.LogPath), rel(kubeconfig))

	select {
	case <-ctx.Done():
		fmt.Println()
		return nil
	case <-w.Done():
		fmt.Fprintln(os.Stderr, c.LogTail(30))
		return errors.New("the webhook process exited: " + fmt.Sprint(w.ExitErr()) + "; its log is above")
	}
}
