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
	return nameProblems(ns, 63, dns1123Label,
		"must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")
}

// objectNameProblems says why name cannot be a ConfigMap name (RFC 1123
// subdomain).
func objectNameProblems(name string) []string {
	return nameProblems(name, 253, dns1123Subdomain,
		"must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
}

func nameProblems(name string, maxLen int, shape *regexp.Regexp, shapeMsg string) []string {
	var out []string
	if len(name) > maxLen {
		out = append(out, fmt.Sprintf("must be no more than %d characters (%d)", maxLen, len(name)))
	}
	if !shape.MatchString(name) {
		out = append(out, shapeMsg)
	}
	return out
}
