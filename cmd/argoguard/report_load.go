package main

// `argoguard report --kubeconfig`: the live guarded objects of a cluster
// (files, folders and stdin are read by package manifest). Thin: reading
// and converting only.

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/webhook"
)

// clusterSnapshot reads the guarded ConfigMaps (and, when the settings
// allow, the Secrets they reference) from the cluster kubeconfig points at.
func clusterSnapshot(ctx context.Context, kubeconfig, kubeContext string, set *settings.Settings) (*policy.Snapshot, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: kubeContext}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	src := &webhook.SnapshotSource{Reader: clientReader{cs}}
	snap, err := src.Build(ctx, set, nil)
	if err != nil {
		return nil, err
	}
	if snap.ArgoCDCM == nil && snap.RBACCM == nil && snap.WorkflowsCM == nil {
		return nil, fmt.Errorf("none of the guarded ConfigMaps exists in the cluster")
	}
	return snap, nil
}

// clientReader reads objects with a plain clientset (no cache: one read).
type clientReader struct{ cs kubernetes.Interface }

func (r clientReader) ConfigMap(ctx context.Context, namespace, name string) (*policy.Object, error) {
	cm, err := r.cs.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return webhook.ConfigMapObject(cm), nil
}

func (r clientReader) Secret(ctx context.Context, namespace, name string) (*policy.Object, error) {
	s, err := r.cs.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return webhook.SecretObject(s), nil
}
