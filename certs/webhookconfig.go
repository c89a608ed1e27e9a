package certs

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

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

// caBundles returns the caBundle of every webhook of the two configurations;
// a configuration that does not exist contributes none (nothing calls it).
func (r *Rotator) caBundles(ctx context.Context) ([][]byte, error) {
	var out [][]byte
	if r.ValidatingWebhook != "" {
		var vwc admissionregistrationv1.ValidatingWebhookConfiguration
		if err := r.Client.Get(ctx, client.ObjectKey{Name: r.ValidatingWebhook}, &vwc); err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("certs: reading webhook configuration %s: %w", r.ValidatingWebhook, err)
		}
		for _, w := range vwc.Webhooks {
			out = append(out, w.ClientConfig.CABundle)
		}
	}
	if r.MutatingWebhook != "" {
		var mwc admissionregistrationv1.MutatingWebhookConfiguration
		if err := r.Client.Get(ctx, client.ObjectKey{Name: r.MutatingWebhook}, &mwc); err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("certs: reading webhook configuration %s: %w", r.MutatingWebhook, err)
		}
		for _, w := range mwc.Webhooks {
			out = append(out, w.ClientConfig.CABundle)
		}
	}
	return out, nil
}

// servable reports whether every caBundle verifies b's serving certificate
// as the API server will (step 3 of the protocol); if not, why.
func (r *Rotator) servable(bundles [][]byte, b *Bundle, now time.Time) (bool, string) {
	cert, err := firstCert(b.Cert)
	if err != nil {
		return false, "serving certificate unreadable: " + err.Error()
	}
	for _, bundle := range bundles {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(bundle)
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: r.DNSNames[0], Roots: pool, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			return false, "a webhook's caBundle does not verify it yet: " + err.Error()
		}
	}
	return true, ""
}

// holdsNewestCA reports whether every caBundle holds b's newest CA.
func holdsNewestCA(bundles [][]byte, b *Bundle) bool {
	cas := caCerts(b.CACert)
	if len(cas) == 0 {
		return false
	}
	for _, bundle := range bundles {
		found := false
		for _, c := range caCerts(bundle) {
			found = found || bytes.Equal(c.Raw, cas[0].Raw)
		}
		if !found {
			return false
		}
	}
	return true
}
