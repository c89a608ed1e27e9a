package main

// The output flags every command shares, as kubectl spells them: -o is the
// format, --output-file the file (default: stdout).

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

type output struct {
	formats []string
	format  string
	file    string
	// legacyFile is a file given the old way (`report -o FILE`), kept for
	// one release.
	legacyFile string
}

// formatValue is -o: a format; with legacyFiles, a value that is no format
// but names a file (has a dot or a slash) is the old `-o FILE`.
type formatValue struct {
	o           *output
	legacyFiles bool
}

func (v *formatValue) String() string { return v.o.format }
func (v *formatValue) Type() string   { return "format" }

func (v *formatValue) Set(s string) error {
	switch {
	case slices.Contains(v.o.formats, s):
		v.o.format = s
	case v.legacyFiles && strings.ContainsAny(s, "./"+string(filepath.Separator)):
		v.o.legacyFile = s
	default:
		return usageErr("--output %q: use %s", s, orList(v.o.formats))
	}
	return nil
}

// addOutput adds -o/--output (formats, the first is the default) and
// --output-file to c.
func addOutput(c *cobra.Command, legacyFiles bool, formats ...string) *output {
	o := &output{formats: formats, format: formats[0]}
	c.Flags().VarP(&formatValue{o: o, legacyFiles: legacyFiles}, "output", "o", "output format: "+orList(formats))
	c.Flags().StringVar(&o.file, "output-file", "", "write the output to this file (default: stdout)")
	_ = c.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return formats, cobra.ShellCompDirectiveNoFileComp
	})
	return o
}

func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// target returns the file to write to ("" for stdout), saying on stderr
// when the old spelling was used.
func (o *output) target(c *cobra.Command) (string, error) {
	if o.legacyFile == "" {
		return o.file, nil
	}
	if o.file != "" {
		return "", usageErr("-o %s and --output-file %s: give the file once, with --output-file", o.legacyFile, o.file)
	}
	fmt.Fprintf(c.ErrOrStderr(), "warning: -o FILE is deprecated and will be removed in the next release; -o is the format, use --output-file %s\n", o.legacyFile)
	return o.legacyFile, nil
}

// write runs render into the target: stdout, or the file (created with its
// folder, and only once render succeeded).
func (o *output) write(c *cobra.Command, render func(io.Writer) error) (file string, err error) {
	file, err = o.target(c)
	if err != nil {
		return "", err
	}
	if file == "" || file == "-" {
		return "", render(c.OutOrStdout())
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return "", err
	}
	if dir := filepath.Dir(file); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	return file, os.WriteFile(file, buf.Bytes(), 0o644)
}
