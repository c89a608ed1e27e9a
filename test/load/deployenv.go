package main

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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

// memoryLimit returns the memory limit of the Deployment's first
// container in bytes (0 when it has none).
func memoryLimit(path string) (int64, error) {
	var d appsv1.Deployment
	if err := readManifest(path, &d); err != nil {
		return 0, err
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
			return q.Value(), nil
		}
	}
	return 0, nil
}
