//go:build !linux

package cluster

import (
	"os/exec"
	"syscall"
)

// isolate puts the webhook in its own process group (a Ctrl-C in the demo's
// terminal reaches the demo, which stops the webhook in order).
func isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
