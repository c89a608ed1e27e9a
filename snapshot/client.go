package snapshot

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/argoguard/argoguard/policy"
)

// ClientReader reads objects with a plain clientset: one GET (or LIST)
// each, no cache, for callers that read the cluster once (the CLI).
type ClientReader struct {
	Client kubernetes.Interface
	// Dynamic lists AppProjects (nil: none are read).
	Dynamic dynamic.Interface
	// Metadata lists token Secrets by name, without their data.
	Metadata metadata.Interface
}

var _ Reader = (*ClientReader)(nil)

// Kubeconfig returns a ClientReader for the cluster kubeconfig points at
// ("" follows the usual loading rules: $KUBECONFIG, ~/.kube/config) in
// kubeContext ("" is the current context).
func Kubeconfig(kubeconfig, kubeContext string) (*ClientReader, error) {
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
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	md, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &ClientReader{Client: cs, Dynamic: dyn, Metadata: md}, nil
}

// ConfigMap implements Reader.
func (r *ClientReader) ConfigMap(ctx context.Context, namespace, name string) (*policy.Object, error) {
	cm, err := r.Client.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ConfigMapObject(cm), nil
}

// Secret implements Reader.
func (r *ClientReader) Secret(ctx context.Context, namespace, name string) (*policy.Object, error) {
	s, err := r.Client.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return SecretObject(s), nil
}
