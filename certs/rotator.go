package certs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The rotation protocol (--cert-management=self, any number of replicas
// sharing one Secret). The invariant: no replica ever serves a certificate
// that the caBundle of the webhook configurations does not verify.
//
// The Secret holds the trust bundle (ca.crt: the newest CA first, then
// older CAs until they expire), the newest CA's key (ca.key) and the serving
// pair every replica should serve (tls.crt, tls.key). Its annotation
// argoguard.io/ca-trusted says since when the caBundle of every webhook has
// held the newest CA, and which CA that is. A round (Sync) runs on every
// replica at start-up and then every Interval on the leader:
//
//  1. A CA due for renewal is replaced in two steps. First the new CA is
//     staged: it enters ca.crt before the CAs already there, while tls.crt
//     stays the certificate the old CA signed; the same round injects ca.crt
//     into both configurations and records the time in the annotation.
//  2. A serving certificate from the new CA is issued only in a later round,
//     once the annotation is at least TrustDelay old, by when the API servers
//     have applied the configuration change from their watches. (A Secret
//     without a usable serving certificate gets one at once: nothing that
//     verifies can be served from it anyway.)
//  3. Every replica (FileSync, and Sync on the leader) writes a serving
//     certificate into the folder it serves from only after verifying it
//     against the caBundle of every webhook as stored at that moment, as the
//     API server will. A replica that reads the Secret too early keeps
//     serving what it has, and picks the new pair up next time.
//  4. An older CA leaves ca.crt (and so the caBundles) only once it has
//     expired. A serving certificate never outlives the CA that signed it, so
//     by then no replica, however late it reloads, serves anything that CA
//     signed that any client would accept. Renewing at a third of the
//     lifetime left, ca.crt holds at most two CAs.
//
// Each round injects only the trust bundle of the Secret as read right
// before the injection, and all writes are optimistic (resourceVersion), so
// replicas racing at start-up converge on one Secret.

// AnnotationCATrusted on the Secret: "<RFC 3339 time> sha256:<hex>", the
// time since which every webhook's caBundle holds the CA of that SHA-256
// fingerprint (of its DER).
const AnnotationCATrusted = "argoguard.io/ca-trusted"

// DefaultTrustDelay is how long a new CA must have been in every caBundle
// before a serving certificate it signed is issued. The API server applies a
// configuration change from its watch within about a second; the margin
// covers lagging API servers of a highly available control plane.
const DefaultTrustDelay = 5 * time.Minute

// Rotator keeps the certificate Secret current and the caBundle injected,
// following the protocol above.
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
	// Interval between checks (default one hour); FileSync polls four
	// times as often.
	Interval time.Duration
	// TrustDelay (default DefaultTrustDelay): see step 2 above.
	TrustDelay time.Duration
	// Lifetimes of new certificates (default CAValidity, ServingValidity).
	Lifetimes Lifetimes
	Now       func() time.Time
	Log       logr.Logger
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
	lifetimes := r.Lifetimes.withDefaults()
	var sec corev1.Secret
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Secret}, &sec)
	if apierrors.IsNotFound(err) {
		b, err := (&Bundle{}).withNewCA(now, lifetimes.CA)
		if err == nil {
			b, err = b.issue(r.DNSNames, now, lifetimes.Serving)
		}
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
	cur := bundleFrom(&sec)
	next, steps, err := r.next(cur, trustedSince(&sec, cur), now, lifetimes)
	if err != nil || next.Equal(cur) {
		return cur, err
	}
	if fingerprint(next) != fingerprint(cur) {
		delete(sec.Annotations, AnnotationCATrusted) // a new CA is not trusted yet
	}
	sec.Data = bundleData(next)
	if sec.Type == "" {
		sec.Type = corev1.SecretTypeTLS
	}
	if err := r.Client.Update(ctx, &sec); err != nil {
		return nil, err
	}
	r.Log.Info("renewed webhook certificate", "secret", r.Namespace+"/"+r.Secret, "steps", steps)
	return next, nil
}

// next is one round's change of the bundle (steps 1, 2 and 4 of the
// protocol); trusted is since when every caBundle holds its newest CA (zero
// when not known to). It returns cur itself when nothing is due, and what
// it did.
func (r *Rotator) next(cur *Bundle, trusted, now time.Time, lifetimes Lifetimes) (*Bundle, []string, error) {
	var steps []string
	b := cur
	if st := b.Check(r.DNSNames, now); st.RenewCA {
		staged, err := b.withNewCA(now, lifetimes.CA)
		if err != nil {
			return nil, nil, err
		}
		b, trusted = staged, time.Time{}
		steps = append(steps, "staged a new CA ("+st.Reason+")")
	} else if pruned := b.withoutExpiredCAs(now); !bytes.Equal(pruned.CACert, b.CACert) {
		b = pruned
		steps = append(steps, "dropped expired CAs")
	}
	st := b.Check(r.DNSNames, now)
	switch {
	case !st.Valid:
		// Nothing usable is served from this Secret now; replicas load the
		// new pair once its CA is in the caBundles (step 3).
		steps = append(steps, "issued a serving certificate ("+st.Reason+")")
	case !st.RenewServing:
		return b, steps, nil
	case st.OlderCA && (trusted.IsZero() || now.Sub(trusted) < r.trustDelay()):
		// The first certificate a new CA signs; a renewal under the CA that
		// signed what is served needs no wait (that CA is trusted already).
		r.Log.Info("serving certificate due, waiting until its CA has been in every caBundle long enough",
			"reason", st.Reason, "trustedSince", trusted, "trustDelay", r.trustDelay())
		return b, steps, nil
	default:
		steps = append(steps, "issued a serving certificate ("+st.Reason+")")
	}
	issued, err := b.issue(r.DNSNames, now, lifetimes.Serving)
	return issued, steps, err
}

func (r *Rotator) trustDelay() time.Duration {
	if r.TrustDelay > 0 {
		return r.TrustDelay
	}
	return DefaultTrustDelay
}

// fingerprint is "sha256:<hex>" of the newest CA's DER ("" without one).
func fingerprint(b *Bundle) string {
	cas := caCerts(b.CACert)
	if len(cas) == 0 {
		return ""
	}
	sum := sha256.Sum256(cas[0].Raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// trustedSince reads AnnotationCATrusted; zero unless it names b's newest CA.
func trustedSince(sec *corev1.Secret, b *Bundle) time.Time {
	at, fp, ok := strings.Cut(sec.Annotations[AnnotationCATrusted], " ")
	if !ok || fp != fingerprint(b) || fp == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return time.Time{}
	}
	return t
}

func bundleData(b *Bundle) map[string][]byte {
	return map[string][]byte{KeyCACert: b.CACert, KeyCAKey: b.CAKey, KeyCert: b.Cert, KeyKey: b.Key}
}

func bundleFrom(s *corev1.Secret) *Bundle {
	return &Bundle{CACert: s.Data[KeyCACert], CAKey: s.Data[KeyCAKey], Cert: s.Data[KeyCert], Key: s.Data[KeyKey]}
}

// Sync is one round of the protocol: the Secret brought up to date, its
// trust bundle injected, the injection recorded, and the serving pair
// written to CertDir if every caBundle verifies it. It returns the Secret's
// bundle.
func (r *Rotator) Sync(ctx context.Context) (*Bundle, error) {
	var b *Bundle
	for attempt := 0; ; attempt++ {
		var err error
		if b, err = r.Ensure(ctx); err != nil {
			return nil, err
		}
		if err := r.InjectCABundle(ctx, b.CACert); err != nil {
			return nil, err
		}
		// Another replica's round may have changed the trust bundle between
		// our read and our injection, and ours may then lack its new CA:
		// go again. Once the Secret still holds what we injected, any later
		// change is injected by its writer after ours.
		var sec corev1.Secret
		if err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Secret}, &sec); err != nil {
			return nil, fmt.Errorf("certs: reading Secret %s/%s: %w", r.Namespace, r.Secret, err)
		}
		if bytes.Equal(sec.Data[KeyCACert], b.CACert) {
			break
		}
		if attempt == 4 {
			return nil, fmt.Errorf("certs: Secret %s/%s keeps changing under us", r.Namespace, r.Secret)
		}
	}
	bundles, err := r.caBundles(ctx)
	if err != nil {
		return nil, err
	}
	if holdsNewestCA(bundles, b) {
		if err := r.markTrusted(ctx, b); err != nil {
			return nil, err
		}
	}
	if ok, why := r.servable(bundles, b, r.now()); !ok {
		r.Log.Info("serving certificate not written yet", "reason", why)
		return b, nil
	}
	if _, err := WriteFiles(r.CertDir, b); err != nil {
		return nil, fmt.Errorf("certs: writing %s: %w", r.CertDir, err)
	}
	return b, nil
}

// markTrusted records in the Secret that every caBundle holds b's newest CA
// from now on, unless it already says so (or the CA changed meanwhile).
func (r *Rotator) markTrusted(ctx context.Context, b *Bundle) error {
	fp := fingerprint(b)
	for attempt := 0; attempt < 5; attempt++ {
		var sec corev1.Secret
		if err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Secret}, &sec); err != nil {
			return fmt.Errorf("certs: reading Secret %s/%s: %w", r.Namespace, r.Secret, err)
		}
		cur := bundleFrom(&sec)
		if fingerprint(cur) != fp || !trustedSince(&sec, cur).IsZero() {
			return nil
		}
		if sec.Annotations == nil {
			sec.Annotations = map[string]string{}
		}
		sec.Annotations[AnnotationCATrusted] = r.now().UTC().Format(time.RFC3339) + " " + fp
		err := r.Client.Update(ctx, &sec)
		if apierrors.IsConflict(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("certs: recording the injected CA in Secret %s/%s: %w", r.Namespace, r.Secret, err)
		}
		r.Log.Info("every caBundle holds the newest CA", "fingerprint", fp)
		return nil
	}
	return fmt.Errorf("certs: Secret %s/%s keeps changing under us", r.Namespace, r.Secret)
}

func (r *Rotator) interval() time.Duration {
	if r.Interval > 0 {
		return r.Interval
	}
	return time.Hour
}

// Start runs a round every Interval until ctx ends. It is a leader-elected
// manager Runnable; FileSync runs on every replica.
func (r *Rotator) Start(ctx context.Context) error {
	return loop(ctx, r.interval(), func() {
		if _, err := r.Sync(ctx); err != nil {
			r.Log.Error(err, "certificate rotation failed; retrying next round")
		}
	})
}

// NeedLeaderElection: only the leader renews and injects.
func (r *Rotator) NeedLeaderElection() bool { return true }

// FileSync copies the Secret's serving pair to CertDir on every replica, so
// followers serve what the leader renewed, but only once every caBundle
// verifies it (step 3 of the protocol).
type FileSync struct{ *Rotator }

// Start implements manager.Runnable.
func (f FileSync) Start(ctx context.Context) error {
	return loop(ctx, f.interval()/4, func() {
		if err := f.sync(ctx); err != nil {
			f.Log.Error(err, "copying the certificate from its Secret")
		}
	})
}

func (f FileSync) sync(ctx context.Context) error {
	var sec corev1.Secret
	if err := f.Client.Get(ctx, client.ObjectKey{Namespace: f.Namespace, Name: f.Secret}, &sec); err != nil {
		return fmt.Errorf("certs: reading Secret %s/%s: %w", f.Namespace, f.Secret, err)
	}
	b := bundleFrom(&sec)
	now := f.now()
	if st := b.Check(f.DNSNames, now); !st.Valid {
		f.Log.Info("certificate Secret not usable yet", "reason", st.Reason)
		return nil
	}
	bundles, err := f.caBundles(ctx)
	if err != nil {
		return err
	}
	if ok, why := f.servable(bundles, b, now); !ok {
		f.Log.Info("serving certificate of the Secret not loaded yet", "reason", why)
		return nil
	}
	changed, err := WriteFiles(f.CertDir, b)
	if changed {
		f.Log.Info("certificate files updated from Secret", "dir", f.CertDir)
	}
	return err
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
