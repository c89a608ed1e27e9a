package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Webhook is a running webhook process.
type Webhook struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // the process's exit, once done is closed
	// ProbeAddr serves /healthz and /readyz, MetricsAddr /metrics.
	ProbeAddr, MetricsAddr string
	// LogPath collects the process's output (JSON lines).
	LogPath string
}

// ProbeNamespace and ProbeName name the guarded object whose server-side
// dry-run create tells that the API server reaches the webhook.
const (
	ProbeNamespace = "argocd"
	ProbeName      = "argocd-cm"
)

// ReadyTimeout bounds the wait for a started webhook to answer.
const ReadyTimeout = 2 * time.Minute

// StartWebhook starts the webhook binary with the settings file, serving
// the certificate envtest generated on the address the webhook
// configurations point at, and waits until the API server gets answers from
// it. A running webhook is stopped first.
func (c *Cluster) StartWebhook(ctx context.Context, settingsPath string, extraArgs ...string) (*Webhook, error) {
	if err := c.StopWebhook(); err != nil {
		return nil, err
	}
	host, port, certDir := c.WebhookServing()
	probe, err := freeAddr()
	if err != nil {
		return nil, err
	}
	metrics, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{
		"--settings=" + settingsPath,
		"--cert-management=external",
		"--cert-dir=" + certDir,
		"--host=" + host,
		"--port=" + strconv.Itoa(port),
		"--kubeconfig=" + c.WebhookKubeconfig,
		"--namespace=" + GuardNamespace,
		"--health-probe-bind-address=" + probe,
		"--metrics-bind-address=" + metrics,
	}
	if c.opts.AsServiceAccount {
		args = append(args, "--leader-elect")
	}
	args = append(args, extraArgs...)

	logPath := filepath.Join(c.opts.WorkDir, "webhook.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logFile, "==== %s webhook %s\n", time.Now().UTC().Format(time.RFC3339), strings.Join(args, " "))
	cmd := exec.Command(filepath.Join(c.opts.BinDir, "webhook"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	isolate(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting webhook: %w", err)
	}
	w := &Webhook{cmd: cmd, done: make(chan struct{}), ProbeAddr: probe, MetricsAddr: metrics, LogPath: logPath}
	go func() {
		w.err = cmd.Wait()
		logFile.Close()
		close(w.done)
	}()
	c.webhook = w
	if err := c.waitServing(ctx, w); err != nil {
		_ = c.StopWebhook()
		return nil, fmt.Errorf("%w\nwebhook log (%s):\n%s", err, logPath, tail(logPath, 30))
	}
	return w, nil
}

// waitServing polls /readyz, then a server-side dry-run create of a guarded
// object until the API server no longer reports that it failed calling the
// webhook. Any verdict of argoguard (allowed or denied) counts.
func (c *Cluster) waitServing(ctx context.Context, w *Webhook) error {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	last := "not polled yet"
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	ready := false
	for {
		select {
		case <-w.done:
			return fmt.Errorf("webhook exited before it was ready: %v", w.err)
		case <-ctx.Done():
			return fmt.Errorf("webhook not serving within %s: %s", ReadyTimeout, last)
		case <-tick.C:
		}
		if !ready {
			resp, err := http.Get("http://" + w.ProbeAddr + "/readyz")
			if err != nil {
				last = err.Error()
				continue
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				last = "/readyz: " + resp.Status
				continue
			}
			ready = true
		}
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ProbeNamespace, Name: ProbeName}}
		_, err := c.clientset.CoreV1().ConfigMaps(ProbeNamespace).Create(ctx, cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil && strings.Contains(err.Error(), "failed calling webhook") {
			last = err.Error()
			continue
		}
		return nil
	}
}

// StopWebhook stops the running webhook process: SIGTERM, then SIGKILL
// after 20 seconds.
func (c *Cluster) StopWebhook() error {
	w := c.webhook
	if w == nil {
		return nil
	}
	c.webhook = nil
	return w.Stop()
}

// Stop ends the process and waits for it.
func (w *Webhook) Stop() error {
	select {
	case <-w.done:
		return nil
	default:
	}
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(20 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
		return errors.New("webhook did not stop within 20s of SIGTERM; killed")
	}
	var exit *exec.ExitError
	if w.err != nil && !errors.As(w.err, &exit) {
		return w.err
	}
	return nil
}

// Running reports whether the process is still running.
func (w *Webhook) Running() bool {
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

// Webhook returns the running webhook process, or nil.
func (c *Cluster) Webhook() *Webhook { return c.webhook }

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// LogTail returns the last n lines of the webhook log.
func (c *Cluster) LogTail(n int) string {
	return tail(filepath.Join(c.opts.WorkDir, "webhook.log"), n)
}

// Done is closed when the process has exited.
func (w *Webhook) Done() <-chan struct{} { return w.done }

// ExitErr is how the process exited, once Done is closed.
func (w *Webhook) ExitErr() error { return w.err }
