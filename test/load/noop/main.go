// Command noop is the load test's baseline: a controller-runtime admission
// webhook that allows every request, served like argoguard's: the same
// webhook server, the same certificate files (reloaded by certwatcher), and
// argoguard's TLS options (certs.TLSOptions: TLS 1.2 or later, HTTP/2 off).
// The difference between the two is argoguard's own work: snapshot
// assembly, the rules, the decision, its log line and metrics.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/argoguard/argoguard/certs"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address to serve on")
	port := flag.Int("port", 9443, "port to serve on")
	certDir := flag.String("cert-dir", "", "folder with tls.crt and tls.key")
	flag.Parse()

	srv := webhook.NewServer(webhook.Options{
		Host:    *host,
		Port:    *port,
		CertDir: *certDir,
		// argoguard's own TLS settings: TLS 1.2 or newer, HTTP/2 off.
		TLSOpts: certs.TLSOptions(false),
	})
	allow := admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
		return admission.Allowed("")
	})
	srv.Register("/validate", &webhook.Admission{Handler: allow})
	srv.Register("/mutate", &webhook.Admission{Handler: allow})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "noop webhook:", err)
		os.Exit(1)
	}
}
