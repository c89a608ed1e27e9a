package main

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
)

// runtimeEnv returns the Go runtime settings (GOMEMLIMIT, GOGC, ...) that
// the Deployment at path gives argoguard's container, as NAME=value: the
// load test runs the webhook as it is deployed.
func runtimeEnv(path string) ([]string, error) {
	var d appsv1.Deployment
	if err := readManifest(path, &d); err != nil {
		return nil, err
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
