// Command argoguard runs argoguard's checks offline: on files in a GitOps
// repository, in CI, or against a live cluster's objects. It only wires
// flags to the packages that do the work.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns its exit status: 0 done, 1
// "something would be denied" / "No", 2 unusable input.
func run(args []string, in io.Reader, out, errOut io.Writer) int {
	root := newRootCmd(in, out, errOut)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(errOut, "error:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(errOut, "error:", err)
	return 2
}

// newRootCmd builds the command tree reading in and writing out and errOut.
func newRootCmd(in io.Reader, out, errOut io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "argoguard",
		Short:         "Check Argo CD and Argo Workflows SSO and RBAC configuration",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	root.AddCommand(checkCmd(), reportCmd(), rbacCmd())
	return root
}

// exitError carries an exit status through cobra: 1 for "something would be
// denied" / "No", 2 for unusable input.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// usageErr is unusable input: exit status 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// silentExit sets the exit status without printing anything more.
func silentExit(code int) error { return &exitError{code: code} }
