package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// KubectlResult is what one kubectl run printed and how it exited.
type KubectlResult struct {
	Args           []string
	Stdout, Stderr string
	ExitCode       int
	Err            error // nil when kubectl exited 0
}

func (r KubectlResult) String() string {
	return fmt.Sprintf("kubectl %s (exit %d)\nstdout:\n%s\nstderr:\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Stdout, r.Stderr)
}

// Output is stdout and stderr together, as a terminal shows them.
func (r KubectlResult) Output() string { return r.Stdout + r.Stderr }

// Kubectl runs the real kubectl as cluster admin with the cluster's
// kubeconfig file.
func (c *Cluster) Kubectl(ctx context.Context, args ...string) KubectlResult {
	return c.KubectlAs(ctx, c.Kubeconfig, args...)
}

// KubectlAs runs kubectl with another kubeconfig (another user).
func (c *Cluster) KubectlAs(ctx context.Context, kubeconfig string, args ...string) KubectlResult {
	full := append([]string{"--kubeconfig=" + kubeconfig}, args...)
	cmd := exec.CommandContext(ctx, c.KubectlPath, full...)
	// Only the kubeconfig file counts; no KUBECONFIG or cache of the caller.
	cmd.Env = append(os.Environ(), "KUBECONFIG=", "HOME="+c.opts.WorkDir, "KUBECACHEDIR="+c.opts.WorkDir+"/kubecache")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := KubectlResult{Args: args, Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.ExitCode = exit.ExitCode()
	} else if err != nil {
		res.ExitCode = -1
	}
	return res
}
