package certs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Rotator keeps the certificate Secret current and the caBundle injected.
// All writes use optimistic concurrency (create-if-absent, update with the
// read resourceVersion), so replicas racing at start-up agree on one
// Secret; the periodic renewal runs on the leader only (Start).
type Rotator struct {
	// Client must read without a cache (Secrets and webhook configurations
	// by name; argoguard never watches them).
	Client    client.Client
	Namespace string
	Secret    string
	// DNSNames of the serving certificate: <service>.<namespace>.svc first.
	DNSNames []string
	// CertDir receives tls.crt and tls.key (and ca.crt) for the server.
	CertDir string
	// Webhook configurations that get the caBundle ("" skips one).
	ValidatingWebhook string
	MutatingWebhook   string
	// Interval between checks (default one hour).
	Interval time.Duration
	Now      func() time.Time
	Log      logr.Logger
}

// DNSNamesFor returns the names the API server uses for a service.
func DNSNamesFor(service, namespace string) []string {
	return []string{
		service + "." + namespace + ".svc",
		service + "." + namespace + ".svc.cluster.local",
		service + "." + namespace,
		service,
	}
}

func (r *Rotator) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Ensure makes the Secret hold a valid, not-near-expiry bundle and returns
// it: created when missing, renewed when due, left alone otherwise.
func (r *Rotator) Ensure(ctx context.Context) (*Bundle, error) {
	for attempt := 0; attempt < 5; attempt++ {
		b, err := r.ensureOnce(ctx)
		if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
			continue // another replica won; read its result
		}
		return b, err
	}
	return nil, fmt.Errorf("certs: Secret %s/%s keeps changing under us", r.Namespace, r.Secret)
}

func (r *Rotator) ensureOnce(ctx context.Context) (*Bundle, error) {
	now := r.now()
	var sec corev1.Secret
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Secret}, &sec)
	if apierrors.IsNotFound(err) {
		b, err := NewBundle(r.DNSNames, now, nil)
		if err != nil {
			return nil, err
		}
		sec = corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: r.Namespace, Name: r.Secret,
				Labels: map[string]string{"app.kubernetes.io/managed-by": "argoguard"}},
			Type: corev1.SecretTypeTLS,
			Data: bundleData(b),
		}
		if err := r.Client.Create(ctx, &sec); err != nil {
			return nil, err
		}
		r.Log.Info("created webhook certificate", "secret", r.Namespace+"/"+r.Secret)
		return b, nil
	}
	if err != nil {
		return nil, fmt.Errorf("certs: reading Secret %s/%s: %w", r.Namespace, r.Secret, err)
	}
	b := bundleFrom(&sec)
	st := b.Check(r.DNSNames, now)
	if !st.RenewCA && !st.RenewServing {
		return b, nil
	}
	var next *Bundle
	if st.RenewCA {
		next, err = NewBundle(r.DNSNames, now, b.CACert)
	} else {
		next, err = b.Renew(r.DNSNames, now)
	}
	if err != nil {
		return nil, err
	}
	sec.Data = bundleData(next)
	if sec.Type == "" {
		sec.Type = corev1.SecretTypeTLS
	}
	if err := r.Client.Update(ctx, &sec); err != nil {
		return nil, err
	}
	r.Log.Info("renewed webhook certificate", "secret", r.Namespace+"/"+r.Secret, "reason", st.Reason, "newCA", st.RenewCA)
	return next, nil
}

func bundleData(b *Bundle) map[string][]byte {
	return map[string][]byte{KeyCACert: b.CACert, KeyCAKey: b.CAKey, KeyCert: b.Cert, KeyKey: b.Key}
}

func bundleFrom(s *corev1.Secret) *Bundle {
	return &Bundle{CACert: s.Data[KeyCACert], CAKey: s.Data[KeyCAKey], Cert: s.Data[KeyCert], Key: s.Data[KeyKey]}
}

// WriteFiles writes tls.crt, tls.key and ca.crt to dir when they differ,
// each through a temporary file and a rename, so the certificate watcher
// never reads half a file. It reports whether anything changed.
func WriteFiles(dir string, b *Bundle) (bool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	changed := false
	// The key first: certwatcher reloads on the certificate's event too.
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{{KeyKey, b.Key, 0o600}, {KeyCert, b.Cert, 0o644}, {KeyCACert, b.CACert, 0o644}} {
		path := filepath.Join(dir, f.name)
		if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, f.data) {
			continue
		}
		tmp, err := os.CreateTemp(dir, "."+f.name+".*")
		if err != nil {
			return changed, err
		}
		_, werr := tmp.Write(f.data)
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), f.mode)
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), path)
		}
		if werr != nil {
			_ = os.Remove(tmp.Name())
			return changed, werr
		}
		changed = true
	}
	return changed, nil
}

// InjectCABundle sets caBundle on every webhook of the two configurations.
// A configuration that does not exist (yet) is skipped and reported.
func (r *Rotator) InjectCABundle(ctx context.Context, caBundle []byte) error {
	if r.ValidatingWebhook != "" {
		var vwc admissionregistrationv1.ValidatingWebhookConfiguration
		if err := r.inject(ctx, r.ValidatingWebhook, &vwc, func() bool {
			changed := false
			for i := range vwc.Webhooks {
				changed = setBundle(&vwc.Webhooks[i].ClientConfig, caBundle) || changed
			}
			return changed
		}); err != nil {
			return err
		}
	}
	if r.MutatingWebhook != "" {
		var mwc admissionregistrationv1.MutatingWebhookConfiguration
		if err := r.inject(ctx, r.MutatingWebhook, &mwc, func() bool {
			changed := false
			for i := range mwc.Webhooks {
				changed = setBundle(&mwc.Webhooks[i].ClientConfig, caBundle) || changed
			}
			return changed
		}); err != nil {
			return err
		}
	}
	return nil
}

func setBundle(cc *admissionregistrationv1.WebhookClientConfig, caBundle []byte) bool {
	if bytes.Equal(cc.CABundle, caBundle) {
		return false
	}
	cc.CABundle = append([]byte(nil), caBundle...)
	return true
}

func (r *Rotator) inject(ctx context.Context, name string, obj client.Object, apply func() bool) error {
	for attempt := 0; attempt < 5; attempt++ {
		if err := r.Client.Get(ctx, client.ObjectKey{Name: name}, obj); err != nil {
			if apierrors.IsNotFound(err) {
				r.Log.Info("webhook configuration not found; caBundle not injected", "name", name)
				return nil
			}
			return fmt.Errorf("certs: reading webhook configuration %s: %w", name, err)
		}
		if !apply() {
			return nil
		}
		err := r.Client.Update(ctx, obj)
		if apierrors.IsConflict(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("certs: injecting caBundle into %s: %w", name, err)
		}
		r.Log.Info("injected caBundle", "webhookConfiguration", name)
		return nil
	}
	return fmt.Errorf("certs: webhook configuration %s keeps changing", name)
}

// Sync ensures the Secret, writes the files and injects the caBundle: one
// round of what Start does periodically.
func (r *Rotator) Sync(ctx context.Context) (*Bundle, error) {
	b, err := r.Ensure(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := WriteFiles(r.CertDir, b); err != nil {
		return nil, fmt.Errorf("certs: writing %s: %w", r.CertDir, err)
	}
	return b, r.InjectCABundle(ctx, b.CACert)
}

func (r *Rotator) interval() time.Duration {
	if r.Interval > 0 {
		return r.Interval
	}
	return time.Hour
}

// Start renews and injects every Interval until ctx ends. It is a
// leader-elected manager Runnable; FileSync runs on every replica.
func (r *Rotator) Start(ctx context.Context) error {
	return loop(ctx, r.interval(), func() {
		if _, err := r.Sync(ctx); err != nil {
			r.Log.Error(err, "certificate rotation failed; retrying next round")
		}
	})
}

// NeedLeaderElection: only the leader renews and injects.
func (r *Rotator) NeedLeaderElection() bool { return true }

// FileSync copies the Secret's certificate to CertDir on every replica, so
// followers serve what the leader renewed.
type FileSync struct{ *Rotator }

// Start implements manager.Runnable.
func (f FileSync) Start(ctx context.Context) error {
	return loop(ctx, f.interval()/4, func() {
		var sec corev1.Secret
		if err := f.Client.Get(ctx, client.ObjectKey{Namespace: f.Namespace, Name: f.Secret}, &sec); err != nil {
			f.Log.Error(err, "reading certificate Secret")
			return
		}
		b := bundleFrom(&sec)
		if st := b.Check(f.DNSNames, f.now()); !st.Valid {
			f.Log.Info("certificate Secret not usable yet", "reason", st.Reason)
			return
		}
		if changed, err := WriteFiles(f.CertDir, b); err != nil {
			f.Log.Error(err, "writing certificate files")
		} else if changed {
			f.Log.Info("certificate files updated from Secret", "dir", f.CertDir)
		}
	})
}

// NeedLeaderElection: every replica serves.
func (f FileSync) NeedLeaderElection() bool { return false }

func loop(ctx context.Context, every time.Duration, f func()) error {
	t := time.NewTicker(every)
	defer t.Stop()
	f()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			f()
		}
	}
}
