package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command that reads the guarded ConfigMaps takes the same inputs,
// and every command's -o is a format and --output-file a file.
func TestOneLanguage(t *testing.T) {
	root := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if !c.Runnable() || c.Name() == "completion" || strings.HasPrefix(c.Name(), "__") || c.Parent() == nil || c.Parent().Name() == "completion" {
			return
		}
		seen++
		for _, name := range []string{"settings", "kubeconfig", "context"} {
			if c.Flags().Lookup(name) == nil {
				t.Errorf("%s has no --%s", c.CommandPath(), name)
			}
		}
		// rbac can answers with its exit status; the others write output.
		if c.Name() == "can" {
			return
		}
		o := c.Flags().ShorthandLookup("o")
		if o == nil || o.Name != "output" {
			t.Errorf("%s: -o is not --output", c.CommandPath())
		}
		if f := c.Flags().Lookup("output-file"); f == nil || f.Shorthand != "" {
			t.Errorf("%s: no --output-file, or one with a short flag", c.CommandPath())
		}
	}
	walk(root)
	if seen < 6 {
		t.Fatalf("walked %d commands, want check, report and rbac's four", seen)
	}
}

func TestCheckRuleFlag(t *testing.T) {
	rep, r := checkJSON(t, "", guideDir+"/as-written", "--rule", "RBAC-007")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (RBAC-007 denies); stderr %s", r.code, r.stderr)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no finding")
	}
	for _, f := range rep.Findings {
		if f.Rule != "RBAC-007" {
			t.Errorf("--rule RBAC-007 reported %s", f.Rule)
		}
	}
	if r := cli(t, "", "check", guideDir+"/as-written", "--rule", "RBAC-999"); r.code != 2 || !strings.Contains(r.stderr, "RBAC-999") {
		t.Errorf("unknown rule: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A missing kubeconfig is an unusable input for every command, and paths
// with --kubeconfig are refused.
func TestKubeconfigInputs(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--kubeconfig", "does-not-exist.kubeconfig"},
		{"rbac", "can", "a", "get", "app", "--kubeconfig", "does-not-exist.kubeconfig"},
		{"rbac", "validate", "--kubeconfig", "does-not-exist.kubeconfig"},
		{"rbac", "diff", csvPolicy, "--kubeconfig", "does-not-exist.kubeconfig"},
	} {
		if r := cli(t, "", args...); r.code != 2 || !strings.Contains(r.stderr, "kubeconfig") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming the kubeconfig", args, r.code, r.stderr)
		}
	}
	if r := cli(t, "", "check", guideDir+"/fixed", "--kubeconfig", "x"); r.code != 2 || !strings.Contains(r.stderr, "one of them") {
		t.Errorf("paths and --kubeconfig: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := cli(t, "", "rbac", "validate", "--policy-file", csvPolicy, "--kubeconfig", "x"); r.code != 2 || !strings.Contains(r.stderr, "one of them") {
		t.Errorf("--policy-file and --kubeconfig: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestPolicyFileFromStdin(t *testing.T) {
	raw, err := os.ReadFile(csvPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if r := cli(t, string(raw), "rbac", "can", "dev-group", "get", "app", "*", "--policy-file", "-"); r.stdout != "Yes\n" || r.code != 0 {
		t.Errorf("--policy-file -: %q exit %d, stderr %q", r.stdout, r.code, r.stderr)
	}
	if r := cli(t, string(raw), "rbac", "can", "--batch", "-", "--policy-file", "-"); r.code != 2 {
		t.Errorf("--batch - with --policy-file -: exit %d, want 2", r.code)
	}
}

func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "check", "--rule", ""}, []string{"RBAC-007\t", "ACD-001\t", "WF-003\t"}},
		{[]string{"__complete", "report", "-o", ""}, []string{"sarif", "junit"}},
		{[]string{"__complete", "rbac", "can", "--policy-file", csvPolicy, ""}, []string{"bob", "dev-group"}},
		{[]string{"__complete", "rbac", "can", "--settings", guideSettings, "--groups", ""}, []string{"94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01\targocd-admins"}},
	} {
		r := cli(t, "", tc.args...)
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v: completions lack %q:\n%s%s", tc.args, w, r.stdout, r.stderr)
			}
		}
	}
}
