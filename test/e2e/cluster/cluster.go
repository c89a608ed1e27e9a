// Package cluster runs argoguard for real on one machine: a kube-apiserver
// and etcd (controller-runtime's envtest, with binaries built by
// hack/build-controlplane.sh), the webhook configurations of deploy/
// (rendered by `kubectl kustomize`; envtest swaps the service reference for
// the local URL and CA), the webhook binary as a separate process, and the
// real kubectl. The end-to-end tests and `make demo` both start it.
package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"
)

// Options say where the parts are and how to run them.
type Options struct {
	// RepoRoot is the argoguard checkout (for deploy/ and test/testdata).
	RepoRoot string
	// AssetsDir holds kube-apiserver, etcd and kubectl (KUBEBUILDER_ASSETS).
	AssetsDir string
	// BinDir holds the built webhook binary (ARGOGUARD_BIN).
	BinDir string
	// WorkDir receives kubeconfigs, rendered manifests and the webhook log.
	WorkDir string
	// Kustomization is the deploy/ folder whose webhook configurations and
	// RBAC are installed, relative to RepoRoot. Default deploy/base.
	Kustomization string
	// Namespaces to create (the guarded objects' namespaces).
	Namespaces []string
	// AsServiceAccount runs the webhook as argoguard's ServiceAccount with
	// exactly the RBAC of the kustomization (and leader election), instead
	// of as a cluster admin: the test of least privilege.
	AsServiceAccount bool
}

// Namespace and ServiceAccount of argoguard in deploy/base.
const (
	GuardNamespace      = "argoguard"
	GuardServiceAccount = "argoguard"
)

// Cluster is a running control plane with argoguard's webhook
// configurations installed.
type Cluster struct {
	opts Options
	env  *envtest.Environment
	// Config is a cluster-admin client config.
	Config *rest.Config
	// Kubeconfig is the path of a cluster-admin kubeconfig file.
	Kubeconfig string
	// WebhookKubeconfig is the kubeconfig the webhook process uses.
	WebhookKubeconfig string
	// KubectlPath is the kubectl binary.
	KubectlPath string
	// Manifests is the path of the rendered kustomization.
	Manifests string

	clientset *kubernetes.Clientset
	webhook   *Webhook
	// scraperToken authenticates ScrapeMetrics (made on first use).
	scraperToken string
}

// Start renders the kustomization, starts the control plane with its
// webhook configurations, creates the namespaces and applies argoguard's
// own objects (Namespace, RBAC, settings ConfigMap, Deployment, ...) so the
// API server validates them. The webhook process is not started yet: with
// failurePolicy Fail, guarded writes fail until StartWebhook.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Kustomization == "" {
		opts.Kustomization = "deploy/base"
	}
	for _, bin := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(opts.AssetsDir, bin)); err != nil {
			return nil, fmt.Errorf("control plane binary missing (run `make controlplane`): %w", err)
		}
	}
	if _, err := os.Stat(filepath.Join(opts.BinDir, "webhook")); err != nil {
		return nil, fmt.Errorf("webhook binary missing (run `make build`): %w", err)
	}
	if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, KubectlPath: filepath.Join(opts.AssetsDir, "kubectl")}

	manifests, err := c.render(ctx)
	if err != nil {
		return nil, err
	}
	c.Manifests = manifests

	c.env = &envtest.Environment{
		BinaryAssetsDirectory:    opts.AssetsDir,
		ControlPlaneStartTimeout: 3 * time.Minute, // a loaded 2-core machine
		ControlPlaneStopTimeout:  time.Minute,
		WebhookInstallOptions: envtest.WebhookInstallOptions{
			Paths:            []string{manifests},
			LocalServingHost: "127.0.0.1",
		},
	}
	cfg, err := c.env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting kube-apiserver and etcd: %w", err)
	}
	c.Config = cfg
	if err := c.setUp(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) setUp(ctx context.Context) error {
	admin, err := c.env.AddUser(envtest.User{Name: "argoguard-e2e-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return err
	}
	if c.Kubeconfig, err = writeKubeconfig(admin, filepath.Join(c.opts.WorkDir, "admin.kubeconfig")); err != nil {
		return err
	}
	c.WebhookKubeconfig = c.Kubeconfig
	if c.opts.AsServiceAccount {
		sa, err := c.env.AddUser(envtest.User{
			Name:   "system:serviceaccount:" + GuardNamespace + ":" + GuardServiceAccount,
			Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + GuardNamespace},
		}, nil)
		if err != nil {
			return err
		}
		if c.WebhookKubeconfig, err = writeKubeconfig(sa, filepath.Join(c.opts.WorkDir, "webhook.kubeconfig")); err != nil {
			return err
		}
	}
	if c.clientset, err = kubernetes.NewForConfig(c.Config); err != nil {
		return err
	}
	for _, ns := range c.opts.Namespaces {
		_, err := c.clientset.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	// argoguard's own objects, as a user would apply them (envtest already
	// installed the webhook configurations, pointed at the local process).
	own, err := c.ownObjects()
	if err != nil {
		return err
	}
	if res := c.Kubectl(ctx, "apply", "--server-side", "--field-manager=argoguard-install", "-f", own); res.Err != nil {
		return fmt.Errorf("applying %s: %s", c.opts.Kustomization, res)
	}
	return nil
}

// render runs `kubectl kustomize` on the kustomization into WorkDir.
func (c *Cluster) render(ctx context.Context) (string, error) {
	dir := filepath.Join(c.opts.RepoRoot, c.opts.Kustomization)
	cmd := exec.CommandContext(ctx, filepath.Join(c.opts.AssetsDir, "kubectl"), "kustomize", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("kubectl kustomize %s: %v: %s", dir, err, stderr.String())
	}
	path := filepath.Join(c.opts.WorkDir, "manifests.yaml")
	return path, os.WriteFile(path, out, 0o644)
}

// ownObjects writes the rendered objects other than the webhook
// configurations to a file, namespaces first.
func (c *Cluster) ownObjects() (string, error) {
	data, err := os.ReadFile(c.Manifests)
	if err != nil {
		return "", err
	}
	var first, rest []string
	for _, doc := range SplitYAML(data) {
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			return "", fmt.Errorf("%s: %w", c.Manifests, err)
		}
		switch meta.Kind {
		case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
		case "Namespace":
			first = append(first, doc)
		default:
			rest = append(rest, doc)
		}
	}
	path := filepath.Join(c.opts.WorkDir, "argoguard-objects.yaml")
	return path, os.WriteFile(path, []byte(strings.Join(append(first, rest...), "\n---\n")), 0o644)
}

// SplitYAML splits a multi-document YAML stream at its "---" lines into
// non-empty documents.
func SplitYAML(data []byte) []string {
	var docs []string
	var cur strings.Builder
	flush := func() {
		if strings.TrimSpace(cur.String()) != "" {
			docs = append(docs, cur.String())
		}
		cur.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.TrimRight(line, " \r\n") == "---" {
			flush()
			continue
		}
		cur.WriteString(line)
	}
	flush()
	return docs
}

func writeKubeconfig(u *envtest.AuthenticatedUser, path string) (string, error) {
	data, err := u.KubeConfig()
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, data, 0o600)
}

// WebhookServing returns the local address envtest registered for the
// webhook and the folder of its serving certificate.
func (c *Cluster) WebhookServing() (host string, port int, certDir string) {
	o := c.env.WebhookInstallOptions
	return o.LocalServingHost, o.LocalServingPort, o.LocalServingCertDir
}

// Clientset is a cluster-admin client.
func (c *Cluster) Clientset() *kubernetes.Clientset { return c.clientset }

// Stop stops the webhook process (if running) and the control plane.
func (c *Cluster) Stop() error {
	var errs []error
	if c.webhook != nil {
		errs = append(errs, c.webhook.Stop())
		c.webhook = nil
	}
	if c.env != nil {
		errs = append(errs, c.env.Stop())
	}
	return errors.Join(errs...)
}

// RepoRoot finds the argoguard checkout above dir (the folder holding the
// go.mod of module github.com/argoguard/argoguard).
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module github.com/argoguard/argoguard\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the argoguard checkout (no go.mod of github.com/argoguard/argoguard above)")
		}
		dir = parent
	}
}

// AddUser provisions a client-certificate user of the control plane and
// writes its kubeconfig into WorkDir; it returns the file's path.
func (c *Cluster) AddUser(name string, groups ...string) (string, error) {
	u, err := c.env.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return "", err
	}
	return writeKubeconfig(u, filepath.Join(c.opts.WorkDir, "user-"+strings.NewReplacer(":", "_", "/", "_").Replace(name)+".kubeconfig"))
}

// PointWebhooksAt rewrites the host of both webhook configurations' URLs
// (the port and path stay), e.g. to localhost, a name argoguard's own
// certificates can carry (--service-name=localhost) where an IP cannot.
// RestoreWebhooks undoes it.
func (c *Cluster) PointWebhooksAt(ctx context.Context, host string) error {
	_, port, _ := c.WebhookServing()
	return c.editWebhooks(ctx, func(i int, cc *admissionv1.WebhookClientConfig, _ admissionv1.WebhookClientConfig) error {
		if cc.URL == nil {
			return errors.New("webhook configuration has no URL")
		}
		u, err := url.Parse(*cc.URL)
		if err != nil {
			return err
		}
		u.Host = net.JoinHostPort(host, strconv.Itoa(port))
		s := u.String()
		cc.URL = &s
		return nil
	})
}

// RestoreWebhooks puts back the client configuration envtest installed
// (URL and CA bundle) in both webhook configurations, e.g. after a webhook
// with --cert-management=self injected its own CA.
func (c *Cluster) RestoreWebhooks(ctx context.Context) error {
	return c.editWebhooks(ctx, func(_ int, cc *admissionv1.WebhookClientConfig, installed admissionv1.WebhookClientConfig) error {
		*cc = *installed.DeepCopy()
		return nil
	})
}

// editWebhooks applies edit to every webhook of the installed
// configurations, with the client configuration envtest installed.
func (c *Cluster) editWebhooks(ctx context.Context, edit func(int, *admissionv1.WebhookClientConfig, admissionv1.WebhookClientConfig) error) error {
	api := c.clientset.AdmissionregistrationV1()
	for _, hook := range c.env.WebhookInstallOptions.MutatingWebhooks {
		cfg, err := api.MutatingWebhookConfigurations().Get(ctx, hook.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for i := range cfg.Webhooks {
			if err := edit(i, &cfg.Webhooks[i].ClientConfig, hook.Webhooks[i].ClientConfig); err != nil {
				return fmt.Errorf("%s: %w", hook.Name, err)
			}
		}
		if _, err := api.MutatingWebhookConfigurations().Update(ctx, cfg, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	for _, hook := range c.env.WebhookInstallOptions.ValidatingWebhooks {
		cfg, err := api.ValidatingWebhookConfigurations().Get(ctx, hook.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for i := range cfg.Webhooks {
			if err := edit(i, &cfg.Webhooks[i].ClientConfig, hook.Webhooks[i].ClientConfig); err != nil {
				return fmt.Errorf("%s: %w", hook.Name, err)
			}
		}
		if _, err := api.ValidatingWebhookConfigurations().Update(ctx, cfg, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return nil
}
