package settings

import (
	"fmt"
	"regexp"
)

// Kubernetes object and namespace names, checked here rather than with
// apimachinery's util/validation, which links klog into every package that
// reads settings (policy/ among them must stay free of loggers).

var dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

var dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// namespaceProblems says why ns cannot be a namespace name (RFC 1123 label).
func namespaceProblems(ns string) []string {
	var out []string
	if len(ns) > 63 {
		out = append(out, fmt.Sprintf("must be no more than 63 characters (%d)", len(ns)))
	}
	if !dns1123Label.MatchString(ns) {
		out = append(out, "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")
	}
	return out
}

// objectNameProblems says why name cannot be a ConfigMap name (RFC 1123
// subdomain).
func objectNameProblems(name string) []string {
	var out []string
	if len(name) > 253 {
		out = append(out, fmt.Sprintf("must be no more than 253 characters (%d)", len(name)))
	}
	if !dns1123Subdomain.MatchString(name) {
		out = append(out, "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
	}
	return out
}
