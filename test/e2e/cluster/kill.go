package cluster

// Kill ends the webhook process at once with SIGKILL, as a crash or an
// out-of-memory kill would (no graceful shutdown), and waits for it to be
// gone. The fault tests use it.
func (w *Webhook) Kill() error {
	if !w.Running() {
		return nil
	}
	if err := w.cmd.Process.Kill(); err != nil {
		return err
	}
	<-w.done
	return nil
}
