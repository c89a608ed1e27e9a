// Package certs keeps the webhook's serving certificate: a self-signed CA
// and a serving certificate for <service>.<namespace>.svc, stored in a
// Secret, renewed well before expiry, written to the certificate folder the
// server watches, and the CA injected as caBundle into both webhook
// configurations.
//
// It follows the shape of open-policy-agent/cert-controller. That library
// (v0.16.0) does build against controller-runtime v0.25.2, but it informs
// on every Secret of its namespace and on webhook configurations
// cluster-wide (list/watch), while argoguard's RBAC grants get and update
// by name only (deploy/base), and it adds dependencies. So certs/ is a small
// equivalent that reads and writes by name with optimistic concurrency.
package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Default lifetimes. Renewal happens when less than a third of the
// lifetime is left (cert-controller renews 90 days before a 10-year expiry).
const (
	CAValidity      = 10 * 365 * 24 * time.Hour
	ServingValidity = 365 * 24 * time.Hour
)

// Bundle is the PEM content of the Secret.
type Bundle struct {
	// CACert may hold more than one CA: the newest first, then the previous
	// one while it is still valid, so that clients holding the old caBundle
	// keep trusting the server during a CA rotation.
	CACert []byte
	CAKey  []byte
	Cert   []byte
	Key    []byte
}

// Secret data keys.
const (
	KeyCACert = "ca.crt"
	KeyCAKey  = "ca.key"
	KeyCert   = "tls.crt"
	KeyKey    = "tls.key"
)

func newKey() (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// NewCA returns a self-signed CA certificate and key valid from now.
func NewCA(commonName string, now time.Time, validity time.Duration) (certPEM, keyPEM []byte, err error) {
	key, keyPEM, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"argoguard"}},
		NotBefore:             now.Add(-time.Hour), // clock skew
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

// NewServing returns a serving certificate for dnsNames signed by the CA
// (the first certificate of caCertPEM).
func NewServing(caCertPEM, caKeyPEM []byte, dnsNames []string, now time.Time, validity time.Duration) (certPEM, keyPEM []byte, err error) {
	if len(dnsNames) == 0 {
		return nil, nil, errors.New("certs: no DNS names for the serving certificate")
	}
	ca, err := firstCert(caCertPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: CA certificate: %w", err)
	}
	caKey, err := parseKey(caKeyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: CA key: %w", err)
	}
	key, keyPEM, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	notAfter := now.Add(validity)
	if notAfter.After(ca.NotAfter) {
		notAfter = ca.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: dnsNames[0]},
		DNSNames:     dnsNames,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

// NewBundle creates a fresh CA and serving certificate. previousCA, when
// still valid at now, is kept after the new CA in CACert.
func NewBundle(dnsNames []string, now time.Time, previousCA []byte) (*Bundle, error) {
	caCert, caKey, err := NewCA("argoguard-ca", now, CAValidity)
	if err != nil {
		return nil, err
	}
	cert, key, err := NewServing(caCert, caKey, dnsNames, now, ServingValidity)
	if err != nil {
		return nil, err
	}
	b := &Bundle{CACert: caCert, CAKey: caKey, Cert: cert, Key: key}
	if old, err := firstCert(previousCA); err == nil && now.Before(old.NotAfter) {
		b.CACert = append(append([]byte{}, caCert...), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: old.Raw})...)
	}
	return b, nil
}

// Renew returns b with a new serving certificate from the same CA.
func (b *Bundle) Renew(dnsNames []string, now time.Time) (*Bundle, error) {
	cert, key, err := NewServing(b.CACert, b.CAKey, dnsNames, now, ServingValidity)
	if err != nil {
		return nil, err
	}
	return &Bundle{CACert: b.CACert, CAKey: b.CAKey, Cert: cert, Key: key}, nil
}

func firstCert(pemData []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(pemData)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func parseKey(pemData []byte) (any, error) {
	block, _ := pem.Decode(pemData)
	if block == nil {
		return nil, errors.New("no PEM key")
	}
	switch block.Type {
	case "PRIVATE KEY":
		return x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("unsupported key type %q", block.Type)
}

// Status says whether a bundle serves dnsNames at now and when to renew it.
type Status struct {
	// Valid: the serving certificate chains to the CA, names every DNS
	// name, matches its key, and is within its validity.
	Valid bool
	// Reason explains why it is not valid or needs renewal.
	Reason string
	// RenewCA: the CA itself must be replaced (missing, broken, near expiry).
	RenewCA bool
	// RenewServing: the serving certificate must be reissued.
	RenewServing bool
	// NotAfter of the serving certificate.
	NotAfter time.Time
}

// renewWhenLeft renews a certificate once less than this fraction of its
// lifetime is left.
const renewWhenLeft = 3

// Check verifies the bundle with crypto/x509 and decides on renewal.
func (b *Bundle) Check(dnsNames []string, now time.Time) Status {
	ca, err := firstCert(b.CACert)
	if err != nil {
		return Status{Reason: "CA certificate unreadable: " + err.Error(), RenewCA: true, RenewServing: true}
	}
	if _, err := parseKey(b.CAKey); err != nil {
		return Status{Reason: "CA key unreadable: " + err.Error(), RenewCA: true, RenewServing: true}
	}
	st := b.checkServing(ca, dnsNames, now)
	if nearExpiry(ca, now) {
		st.Reason = fmt.Sprintf("CA expires %s", ca.NotAfter.Format(time.RFC3339))
		st.RenewCA, st.RenewServing = true, true
	}
	return st
}

func (b *Bundle) checkServing(ca *x509.Certificate, dnsNames []string, now time.Time) Status {
	cert, err := firstCert(b.Cert)
	if err != nil {
		return Status{Reason: "serving certificate unreadable: " + err.Error(), RenewServing: true}
	}
	st := Status{NotAfter: cert.NotAfter}
	if _, err := tlsPair(b.Cert, b.Key); err != nil {
		st.Reason, st.RenewServing = "serving key does not match: "+err.Error(), true
		return st
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	for _, name := range dnsNames {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			st.Reason, st.RenewServing = "serving certificate: "+err.Error(), true
			return st
		}
	}
	st.Valid = true
	if nearExpiry(cert, now) {
		st.Reason, st.RenewServing = fmt.Sprintf("serving certificate expires %s", cert.NotAfter.Format(time.RFC3339)), true
	}
	return st
}

func nearExpiry(c *x509.Certificate, now time.Time) bool {
	lifetime := c.NotAfter.Sub(c.NotBefore)
	return c.NotAfter.Sub(now) < lifetime/renewWhenLeft
}

// Equal reports whether two bundles hold the same PEM bytes.
func (b *Bundle) Equal(o *Bundle) bool {
	return o != nil && bytes.Equal(b.CACert, o.CACert) && bytes.Equal(b.CAKey, o.CAKey) &&
		bytes.Equal(b.Cert, o.Cert) && bytes.Equal(b.Key, o.Key)
}
