package certs

import (
	"crypto/tls"
)

// TLSOptions returns the server TLS settings: TLS 1.2 or newer, and HTTP/2
// off unless enabled (the HTTP/2 Rapid Reset and stream-cancellation
// advisories, CVE-2023-44487 and CVE-2023-39325).
func TLSOptions(enableHTTP2 bool) []func(*tls.Config) {
	return []func(*tls.Config){func(c *tls.Config) {
		c.MinVersion = tls.VersionTLS12
		if !enableHTTP2 {
			c.NextProtos = []string{"http/1.1"}
		}
	}}
}

func tlsPair(cert, key []byte) (tls.Certificate, error) { return tls.X509KeyPair(cert, key) }
