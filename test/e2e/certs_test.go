package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

// The webhook's own certificates (certs/, --cert-management=self), for
// real: it fills the Secret deploy/base ships empty, writes the files it
// serves, and injects its CA into both webhook configurations, all with the
// ServiceAccount's RBAC; the API server then trusts it and gets verdicts.
// (--service-name=localhost: the certificate then names localhost, and the
// configurations' URLs are pointed at localhost for the test.)
func TestSelfManagedCertificatesAreServedAndInjected(t *testing.T) {
	c := fresh(t)
	ctx := context.Background()
	certDir := t.TempDir()
	t.Cleanup(func() {
		if err := c.RestoreWebhooks(ctx); err != nil {
			t.Errorf("restoring envtest's webhook client configuration: %v", err)
		}
		useSettings(t, c, enforceSettings)
	})
	if err := c.PointWebhooksAt(ctx, "localhost"); err != nil {
		t.Fatal(err)
	}
	currentSettings = "self-managed certificates"
	w, err := c.StartWebhook(ctx, enforceSettings,
		"--cert-management=self", "--cert-dir="+certDir, "--service-name=localhost", "--cert-secret=argoguard-tls")
	if err != nil {
		t.Fatal(err)
	}

	// The Secret holds the CA and the serving certificate (key names only
	// are printed: the values are private keys).
	keys := kubectl(t, "get", "secret", "argoguard-tls", "-n", cluster.GuardNamespace, "-o", `go-template={{range $k, $v := .data}}{{$k}} {{end}}`)
	if got := strings.TrimSpace(keys.Stdout); got != "ca.crt ca.key tls.crt tls.key" {
		t.Fatalf("Secret argoguard-tls holds %q, want ca.crt ca.key tls.crt tls.key", got)
	}
	secret, err := c.Clientset().CoreV1().Secrets(cluster.GuardNamespace).Get(ctx, "argoguard-tls", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ca := secret.Data["ca.crt"]

	// Injected into both configurations.
	api := c.Clientset().AdmissionregistrationV1()
	mut, err := api.MutatingWebhookConfigurations().Get(ctx, "argoguard", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	val, err := api.ValidatingWebhookConfigurations().Get(ctx, "argoguard", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mut.Webhooks[0].ClientConfig.CABundle, ca) || !bytes.Equal(val.Webhooks[0].ClientConfig.CABundle, ca) {
		t.Errorf("the webhook configurations do not carry the CA of Secret argoguard-tls")
	}

	// The files it serves are the Secret's, and a client trusting only
	// that CA completes a TLS handshake for localhost with the process.
	served, err := os.ReadFile(filepath.Join(certDir, "tls.crt"))
	if err != nil || !bytes.Equal(served, secret.Data["tls.crt"]) {
		t.Errorf("%s/tls.crt is not the Secret's certificate (%v)", certDir, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		t.Fatal("ca.crt of Secret argoguard-tls is no PEM certificate")
	}
	host, port, _ := c.WebhookServing()
	conn, err := tls.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)), &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Errorf("TLS handshake with the webhook, trusting only its own CA: %v", err)
	} else {
		conn.Close()
	}

	// And the API server, now trusting that CA, gets argoguard's verdicts.
	res := kubectl(t, "apply", "--dry-run=server", "-f", guide("as-written", "argocd-rbac-cm.yaml"))
	if res.ExitCode == 0 || strings.Contains(res.Output(), "failed calling webhook") {
		t.Fatalf("no verdict from argoguard over its own certificate: %s", res)
	}
	requireContainsIDs(t, "denial over the self-managed certificate", ruleIDs(res.Stderr), "RBAC-004", "RBAC-007")
	if !w.Running() {
		t.Errorf("the webhook exited")
	}
}
