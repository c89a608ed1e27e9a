package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/webhook"
)

// options are the command line of the webhook binary.
type options struct {
	settingsFile      string
	settingsPoll      time.Duration
	settingsConfigMap string
	certDir           string
	host              string
	port              int
	metricsAddr       string
	metricsSecure     bool
	probeAddr         string
	pprofAddr         string
	kubeconfig        string // read by controller-runtime's config loading
	certManagement    string // self | external
	certSecret        string
	serviceName       string
	namespace         string
	mutatingWebhook   string
	validatingWebhook string
	certCheckInterval time.Duration
	leaderElect       bool
	leaderElectionID  string
	enableHTTP2       bool
	maxRequestBytes   int64
	maxConcurrent     int
	logLevel          int
	audit             audit.Options
	// deprecated are notes on deprecated flags given, logged at start.
	deprecated []string
}

func defaultNamespace() string {
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	return "argoguard"
}

// parseOptions reads the flags; a missing --settings or a bad value is an
// error naming the flag.
func parseOptions(args []string) (*options, error) {
	o := &options{audit: audit.DefaultOptions()}
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	fs.StringVar(&o.settingsFile, "settings", "", "argoguard settings file (required); re-read on change")
	fs.DurationVar(&o.settingsPoll, "settings-poll-interval", 2*time.Second, "how often the settings file is checked for changes")
	fs.StringVar(&o.settingsConfigMap, "settings-configmap", "argoguard-settings", `ConfigMap in --namespace the settings file is mounted from: a refused reload is an Event on it ("" for none)`)
	fs.StringVar(&o.certDir, "cert-dir", "/tmp/k8s-webhook-server/serving-certs", "folder of tls.crt and tls.key, reloaded on change")
	fs.StringVar(&o.host, "host", "", "address the webhook server listens on (all when empty)")
	fs.IntVar(&o.port, "port", 9443, "port of the webhook server")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8443", `address of /metrics ("0" disables)`)
	fs.BoolVar(&o.metricsSecure, "metrics-secure", true, "serve /metrics over HTTPS (the webhook's certificate) to bearer tokens the API server authenticates and authorizes for GET /metrics; false: plain HTTP to anyone who reaches the address (bind it to localhost then)")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "address of /healthz and /readyz")
	fs.StringVar(&o.pprofAddr, "pprof-bind-address", "", `address of Go's /debug/pprof/ profiles, for diagnosing (off when empty or "0"; keep it on localhost)`)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file (in-cluster config when empty)")
	fs.StringVar(&o.certManagement, "cert-management", "self", "self: argoguard creates, renews and injects its certificate; external: --cert-dir is filled by someone else (cert-manager)")
	fs.StringVar(&o.certSecret, "cert-secret", "argoguard-webhook-cert", "Secret holding the self-managed CA and serving certificate (in --namespace)")
	fs.StringVar(&o.serviceName, "service-name", "argoguard", "Service in front of the webhook; the serving certificate names <service>.<namespace>.svc")
	fs.StringVar(&o.namespace, "namespace", defaultNamespace(), "argoguard's own namespace (default $POD_NAMESPACE or argoguard)")
	fs.StringVar(&o.mutatingWebhook, "mutating-webhook-config", "argoguard", "MutatingWebhookConfiguration that receives the caBundle")
	fs.StringVar(&o.validatingWebhook, "validating-webhook-config", "argoguard", "ValidatingWebhookConfiguration that receives the caBundle")
	fs.DurationVar(&o.certCheckInterval, "cert-check-interval", time.Hour, "how often the certificate is checked for renewal")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader for certificate rotation and background controllers")
	fs.StringVar(&o.leaderElectionID, "leader-election-id", "argoguard-leader", "Lease name for leader election (in --namespace)")
	fs.BoolVar(&o.enableHTTP2, "enable-http2", false, "serve HTTP/2 (off because of the HTTP/2 Rapid Reset advisories)")
	fs.Int64Var(&o.maxRequestBytes, "max-request-bytes", webhook.DefaultMaxRequestBytes, "largest AdmissionReview body accepted")
	fs.IntVar(&o.maxConcurrent, "max-concurrent-admissions", webhook.DefaultMaxConcurrentAdmissions, "admissions evaluated at once; more wait for a turn, up to half the API server's timeout")
	fs.IntVar(&o.logLevel, "v", 0, "log verbosity (0 info, higher is more)")
	fs.StringVar(&o.audit.ReportFormat, "report-format", o.audit.ReportFormat,
		"reports the audit controller writes: policyreport (wgpolicyk8s.io/v1alpha2) or openreports (openreports.io/v1alpha1)")
	fs.DurationVar(&o.audit.Resync, "audit-resync", o.audit.Resync, "the audit controller rewrites every report at least this often")
	fs.DurationVar(&o.audit.Recheck, "audit-recheck-interval", o.audit.Recheck,
		"how often the audit controller re-checks without a change event (changes to referenced Secrets, which are not watched, are seen then)")
	var poll time.Duration
	fs.DurationVar(&poll, "audit-poll-interval", 0, "deprecated and ignored: the audit controller re-checks on changes to the guarded objects and the settings (see --audit-recheck-interval)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "audit-poll-interval" {
			o.deprecated = append(o.deprecated, "--audit-poll-interval is deprecated and ignored: the audit controller re-checks on changes (see --audit-recheck-interval)")
		}
	})
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	switch {
	case o.settingsFile == "":
		return nil, errors.New("--settings is required: the webhook does not run without its settings file")
	case o.certManagement != "self" && o.certManagement != "external":
		return nil, fmt.Errorf("--cert-management: %q is neither self nor external", o.certManagement)
	case o.port <= 0 || o.port > 65535:
		return nil, fmt.Errorf("--port: %d is not a port", o.port)
	case o.maxRequestBytes <= 0:
		return nil, fmt.Errorf("--max-request-bytes: %d must be positive", o.maxRequestBytes)
	case o.maxConcurrent <= 0:
		return nil, fmt.Errorf("--max-concurrent-admissions: %d must be positive", o.maxConcurrent)
	case o.audit.Validate() != nil:
		return nil, o.audit.Validate()
	case o.certManagement == "self" && (o.namespace == "" || o.certSecret == "" || o.serviceName == ""):
		return nil, errors.New("--cert-management=self needs --namespace, --cert-secret and --service-name")
	}
	return o, nil
}
