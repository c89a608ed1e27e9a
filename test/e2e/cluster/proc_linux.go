package cluster

import (
	"os/exec"
	"syscall"
)

// isolate puts the webhook in its own process group (a Ctrl-C in the demo's
// terminal reaches the demo, which stops the webhook in order) and has the
// kernel kill it if the test binary dies first (a panic or -timeout).
func isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
