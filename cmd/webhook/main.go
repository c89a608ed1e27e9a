// Command webhook is argoguard's admission webhook: flags to options, a
// zap logger through zapr, and the wiring of the packages that do the work
// (webhook/, certs/) into a controller-runtime manager. No logic lives here.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/certs"
	"github.com/argoguard/argoguard/metricsauth"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

// controllers are added to the manager after the webhook handlers.
func controllers(o *options) []webhook.ControllerFunc {
	return []webhook.ControllerFunc{
		func(mgr manager.Manager, deps webhook.Deps) error { return audit.Add(mgr, deps, o.audit) },
	}
}

// registerMetrics registers argoguard's metrics with the registry /metrics
// serves.
func registerMetrics() error {
	return errors.Join(webhook.RegisterMetrics(metrics.Registry), audit.RegisterMetrics(metrics.Registry))
}

func main() {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "argoguard webhook:", err)
		os.Exit(2)
	}
	log := newLogger(o.logLevel)
	ctrl.SetLogger(log)
	if err := run(ctrl.SetupSignalHandler(), o, log); err != nil {
		log.Error(err, "argoguard webhook stopped")
		os.Exit(1)
	}
}

// newLogger returns a JSON zap logger through zapr.
func newLogger(level int) logr.Logger {
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(zapcore.Level(-level))
	cfg.Sampling = nil // one line per decision, never sampled away
	z, err := cfg.Build()
	if err != nil {
		panic(err) // only on a broken built-in config
	}
	return zapr.NewLogger(z)
}

// metricsOptions: by default /metrics is served over HTTPS with the
// webhook's certificate, and only to callers whose bearer token the API
// server authenticates (TokenReview) and authorizes for GET /metrics
// (SubjectAccessReview), the way kubebuilder scaffolds it; metricsauth
// asks both and caches the decisions briefly.
func metricsOptions(o *options, tlsOpts []func(*tls.Config)) metricsserver.Options {
	if !o.metricsSecure {
		return metricsserver.Options{BindAddress: o.metricsAddr}
	}
	return metricsserver.Options{BindAddress: o.metricsAddr, SecureServing: true, TLSOpts: tlsOpts,
		FilterProvider: metricsauth.FilterProvider}
}

func run(ctx context.Context, o *options, log logr.Logger) error {
	for _, note := range o.deprecated {
		log.Info(note)
	}
	if err := registerMetrics(); err != nil {
		return err
	}
	reg, err := rules.NewRegistry()
	if err != nil {
		return fmt.Errorf("rule catalogue: %w", err)
	}
	store, err := webhook.LoadSettingsStore(o.settingsFile, reg.Known, o.settingsPoll, log)
	if err != nil {
		return fmt.Errorf("--settings %s: %w", o.settingsFile, err)
	}
	if o.kubeconfig != "" {
		if err := flag.CommandLine.Set(config.KubeconfigFlagName, o.kubeconfig); err != nil {
			return err
		}
	}
	cfg, err := config.GetConfig()
	if err != nil {
		return fmt.Errorf("kubernetes client config: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	direct, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return err
	}

	var rotator *certs.Rotator
	if o.certManagement == "self" {
		rotator = &certs.Rotator{
			Client: direct, Namespace: o.namespace, Secret: o.certSecret,
			DNSNames: certs.DNSNamesFor(o.serviceName, o.namespace), CertDir: o.certDir,
			ValidatingWebhook: o.validatingWebhook, MutatingWebhook: o.mutatingWebhook,
			Interval: o.certCheckInterval, Log: log.WithName("certs"),
		}
		// Before the server starts, so it has a certificate to serve.
		if _, err := rotator.Sync(ctx); err != nil {
			return err
		}
	}
	watcher, err := certwatcher.New(filepath.Join(o.certDir, certs.KeyCert), filepath.Join(o.certDir, certs.KeyKey))
	if err != nil {
		return fmt.Errorf("--cert-dir %s: no usable tls.crt/tls.key: %w", o.certDir, err)
	}
	tlsOpts := append(certs.TLSOptions(o.enableHTTP2), func(c *tls.Config) { c.GetCertificate = watcher.GetCertificate })
	expiry := certs.ExpiryCollector{Served: watcher.GetCertificate, CAFile: filepath.Join(o.certDir, certs.KeyCACert)}
	if err := metrics.Registry.Register(expiry); err != nil {
		return err
	}
	defer metrics.Registry.Unregister(expiry)

	mgr, err := ctrl.NewManager(cfg, manager.Options{
		Scheme:                  scheme,
		Metrics:                 metricsOptions(o, tlsOpts),
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        o.leaderElectionID,
		LeaderElectionNamespace: o.namespace,
		// Hand the lease over at once on shutdown (rolling updates).
		LeaderElectionReleaseOnCancel: true,
		// The manager's own cache sees only argoguard's namespace: the
		// guarded objects are read through webhook.ClusterReader's caches.
		Cache: cache.Options{DefaultNamespaces: map[string]cache.Config{o.namespace: {}}},
		WebhookServer: crwebhook.NewServer(crwebhook.Options{
			Host: o.host, Port: o.port, CertDir: o.certDir, TLSOpts: tlsOpts,
		}),
	})
	if err != nil {
		return err
	}

	reader := webhook.NewClusterReader(cfg, scheme, mgr.GetAPIReader())
	reader.Log = log.WithName("cluster")
	if err := reader.Watch(store.Current()); err != nil {
		return err
	}
	events := &webhook.SettingsEvents{Reader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("argoguard"),
		Namespace: o.namespace, ConfigMap: o.settingsConfigMap, Log: log.WithName("settings")}
	store.OnReject(events.Rejected)
	store.OnChange(func(s *settings.Settings) {
		if err := reader.Watch(s); err != nil {
			log.Error(err, "watching the guarded objects of the new settings")
		}
		events.Reloaded(s)
	})
	deps := webhook.Deps{Settings: store, Source: &snapshot.Source{Reader: reader, Log: log.WithName("snapshot")},
		Rules: reg, Log: log.WithName("admission"), Changes: reader}
	webhook.Register(mgr, deps, o.maxRequestBytes, o.maxConcurrent)

	for _, r := range []manager.Runnable{store, reader, watcher} {
		if err := mgr.Add(r); err != nil {
			return err
		}
	}
	if rotator != nil {
		if err := mgr.Add(rotator); err != nil {
			return err
		}
		if err := mgr.Add(certs.FileSync{Rotator: rotator}); err != nil {
			return err
		}
	}
	for _, add := range controllers(o) {
		if err := add(mgr, deps); err != nil {
			return err
		}
	}

	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	ready := func(req *http.Request) error {
		if c, err := watcher.GetCertificate(nil); err != nil || c == nil {
			return errors.New("no serving certificate loaded")
		}
		if err := mgr.GetWebhookServer().StartedChecker()(req); err != nil {
			return err
		}
		return reader.ReadyCheck(store)(req)
	}
	if err := mgr.AddReadyzCheck("certs-and-cache", ready); err != nil {
		return err
	}
	log.Info("starting argoguard webhook", "metrics", o.metricsAddr, "metricsSecure", o.metricsSecure, "mode", store.Current().Mode, "port", o.port,
		"certManagement", o.certManagement, "namespace", o.namespace)
	return mgr.Start(ctx)
}
