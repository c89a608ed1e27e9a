// Command argoguard runs argoguard's checks offline: on files in a GitOps
// repository, in CI, or against a live cluster's objects. It only wires
// flags to the packages that do the work.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

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

// loadRules returns the rule catalogue, validated.
func loadRules() (*policy.Registry, error) {
	reg, err := rules.NewRegistry()
	if err != nil {
		return nil, fmt.Errorf("rule catalogue: %w", err)
	}
	return reg, nil
}

// loadSettings reads --settings (the stock settings when none is given),
// checked against the rule catalogue as the webhook checks them: a bad file
// is a usage error (exit 2).
func loadSettings(path string) (*settings.Settings, error) {
	if path == "" {
		return settings.Default(), nil
	}
	reg, err := loadRules()
	if err != nil {
		return nil, err
	}
	set, err := settingsfile.Load(path, reg.Known)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return set, nil
}

// silentExit sets the exit status without printing anything more.
func silentExit(code int) error { return &exitError{code: code} }

var rootCmd = &cobra.Command{
	Use:           "argoguard",
	Short:         "Check Argo CD and Argo Workflows SSO and RBAC configuration",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	err := rootCmd.Execute()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "error:", ee.err)
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(2)
}
