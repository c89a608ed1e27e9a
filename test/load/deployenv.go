package main

import (
	"fmt"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// runtimeEnv returns the Go runtime settings (GOMEMLIMIT, GOGC, ...) that
// the Deployment at path gives argoguard's container, as NAME=value: the
// load test runs the webhook as it is deployed.
func runtimeEnv(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d appsv1.Deployment
	if err := yaml.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []string
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if strings.HasPrefix(e.Name, "GO") && e.ValueFrom == nil {
				out = append(out, e.Name+"="+e.Value)
			}
		}
	}
	return out, nil
}
