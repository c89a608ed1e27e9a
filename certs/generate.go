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
	"crypto"
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

// Lifetimes of the certificates the Rotator issues; zero fields take the
// defaults above.
type Lifetimes struct {
	CA, Serving time.Duration
}

func (l Lifetimes) withDefaults() Lifetimes {
	if l.CA <= 0 {
		l.CA = CAValidity
	}
	if l.Serving <= 0 {
		l.Serving = ServingValidity
	}
	return l
}

// backdate is how far before now a certificate becomes valid, for clocks
// behind ours: an hour, or a tenth of a short test lifetime.
func backdate(validity time.Duration) time.Duration {
	return min(time.Hour, validity/10)
}

// Bundle is the PEM content of the Secret.
type Bundle struct {
	// CACert is the trust bundle injected as caBundle: the newest CA first
	// (the one CAKey belongs to), then older CAs until they expire, so that
	// a replica still serving a certificate an older CA signed stays
	// trusted (the rotation protocol is in rotator.go).
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
		NotBefore:             now.Add(-backdate(validity)),
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
		NotBefore:    now.Add(-backdate(validity)),
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

// NewBundle creates a fresh CA and serving certificate with the default
// lifetimes. The CAs of previousCA still valid at now are kept after the new
// CA in CACert.
func NewBundle(dnsNames []string, now time.Time, previousCA []byte) (*Bundle, error) {
	b, err := (&Bundle{CACert: previousCA}).withNewCA(now, CAValidity)
	if err != nil {
		return nil, err
	}
	return b.issue(dnsNames, now, ServingValidity)
}

// Renew returns b with a new serving certificate from the same CA.
func (b *Bundle) Renew(dnsNames []string, now time.Time) (*Bundle, error) {
	return b.issue(dnsNames, now, ServingValidity)
}

// withNewCA returns b with a new CA first in the trust bundle and as the
// signing key; the CAs of b still valid at now follow it, and the serving
// pair is b's, unchanged.
func (b *Bundle) withNewCA(now time.Time, validity time.Duration) (*Bundle, error) {
	caCert, caKey, err := NewCA("argoguard-ca", now, validity)
	if err != nil {
		return nil, err
	}
	return &Bundle{CACert: append(caCert, validCAs(b.CACert, now)...), CAKey: caKey, Cert: b.Cert, Key: b.Key}, nil
}

// issue returns b with a new serving pair signed by its newest CA.
func (b *Bundle) issue(dnsNames []string, now time.Time, validity time.Duration) (*Bundle, error) {
	cert, key, err := NewServing(b.CACert, b.CAKey, dnsNames, now, validity)
	if err != nil {
		return nil, err
	}
	return &Bundle{CACert: b.CACert, CAKey: b.CAKey, Cert: cert, Key: key}, nil
}

// withoutExpiredCAs returns b with the CAs expired at now left out of the
// trust bundle: whatever they signed has expired too (NewServing never
// outlives its CA), so no replica can still serve anything they vouch for.
func (b *Bundle) withoutExpiredCAs(now time.Time) *Bundle {
	return &Bundle{CACert: validCAs(b.CACert, now), CAKey: b.CAKey, Cert: b.Cert, Key: b.Key}
}

// validCAs re-encodes the CA certificates of pemData that are valid at now,
// in order; anything else (expired, not a CA, unparsable) is left out.
func validCAs(pemData []byte, now time.Time) []byte {
	var out []byte
	for _, c := range caCerts(pemData) {
		if !now.After(c.NotAfter) {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
	}
	return out
}

// caCerts parses every CA certificate of pemData, in order, skipping
// blocks that are no CA certificate.
func caCerts(pemData []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, pemData = pem.Decode(pemData)
		if block == nil {
			return out
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil && c.IsCA {
			out = append(out, c)
		}
	}
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
	// Valid: the serving certificate chains to a CA of the trust bundle,
	// names every DNS name, matches its key, and is within its validity.
	Valid bool
	// Reason explains why it is not valid or needs renewal.
	Reason string
	// RenewCA: the newest CA must be replaced (missing, broken, its key
	// missing or not its own, near expiry).
	RenewCA bool
	// RenewServing: the serving certificate must be reissued (invalid, near
	// expiry, or signed by a CA other than the newest).
	RenewServing bool
	// OlderCA: the serving certificate is valid but signed by a CA other
	// than the newest.
	OlderCA bool
	// NotAfter of the serving certificate.
	NotAfter time.Time
}

// renewWhenLeft renews a certificate once less than this fraction of its
// lifetime is left.
const renewWhenLeft = 3

// Check verifies the bundle with crypto/x509 and decides on renewal.
func (b *Bundle) Check(dnsNames []string, now time.Time) Status {
	cas := caCerts(b.CACert)
	if len(cas) == 0 {
		return Status{Reason: "no readable CA certificate", RenewCA: true, RenewServing: true}
	}
	st := b.checkServing(cas, dnsNames, now)
	newest := cas[0]
	key, err := parseKey(b.CAKey)
	switch {
	case err != nil:
		st.Reason, st.RenewCA = "CA key unreadable: "+err.Error(), true
	case !keyOf(newest, key):
		st.Reason, st.RenewCA = "CA key does not belong to the newest CA certificate", true
	case nearExpiry(newest, now):
		st.Reason, st.RenewCA = fmt.Sprintf("CA expires %s", newest.NotAfter.Format(time.RFC3339)), true
	}
	if st.RenewCA {
		st.RenewServing = true
	}
	return st
}

func (b *Bundle) checkServing(cas []*x509.Certificate, dnsNames []string, now time.Time) Status {
	cert, err := firstCert(b.Cert)
	if err != nil {
		return Status{Reason: "serving certificate unreadable: " + err.Error(), RenewServing: true}
	}
	st := Status{NotAfter: cert.NotAfter}
	if _, err := tlsPair(b.Cert, b.Key); err != nil {
		st.Reason, st.RenewServing = "serving key does not match: "+err.Error(), true
		return st
	}
	if err := verifyServing(cert, cas, dnsNames, now); err != nil {
		st.Reason, st.RenewServing = "serving certificate: "+err.Error(), true
		return st
	}
	st.Valid = true
	switch {
	case verifyServing(cert, cas[:1], dnsNames, now) != nil:
		st.Reason, st.RenewServing, st.OlderCA = "serving certificate signed by an older CA", true, true
	case nearExpiry(cert, now):
		st.Reason, st.RenewServing = fmt.Sprintf("serving certificate expires %s", cert.NotAfter.Format(time.RFC3339)), true
	}
	return st
}

// verifyServing verifies cert as the API server would for every name,
// trusting exactly roots.
func verifyServing(cert *x509.Certificate, roots []*x509.Certificate, dnsNames []string, now time.Time) error {
	pool := x509.NewCertPool()
	for _, c := range roots {
		pool.AddCert(c)
	}
	for _, name := range dnsNames {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			return err
		}
	}
	return nil
}

// keyOf reports whether key is the private key of cert.
func keyOf(cert *x509.Certificate, key any) bool {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return false
	}
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(signer.Public())
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
