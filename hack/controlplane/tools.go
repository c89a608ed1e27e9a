//go:build tools

// Package controlplane pins the Kubernetes commands that the end-to-end tests
// run: kube-apiserver and kubectl at v1.37.2, and etcd at the version
// Kubernetes v1.37.2 is tested with.
package controlplane

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
