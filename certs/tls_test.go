package certs

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func tlsServer(t *testing.T, b *Bundle, http2 bool) *httptest.Server {
	t.Helper()
	pair, err := tls.X509KeyPair(b.Cert, b.Key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Proto))
	}))
	cfg := &tls.Config{NextProtos: []string{"h2"}, Certificates: []tls.Certificate{pair}} // as controller-runtime starts
	for _, opt := range TLSOptions(http2) {
		opt(cfg)
	}
	srv.TLS = cfg
	srv.EnableHTTP2 = http2
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func httpsClient(b *Bundle, maxVersion uint16) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(b.CACert)
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		ForceAttemptHTTP2: true,
		TLSClientConfig:   &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: maxVersion},
	}}
}

func TestTLSOptions(t *testing.T) {
	b, err := NewBundle([]string{"localhost"}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		http2 bool
		proto string
	}{{false, "HTTP/1.1"}, {true, "HTTP/2.0"}} {
		srv := tlsServer(t, b, tc.http2)
		resp, err := httpsClient(b, 0).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.Proto != tc.proto {
			t.Errorf("http2=%v: served %s, want %s", tc.http2, resp.Proto, tc.proto)
		}
		if resp.TLS.Version < tls.VersionTLS12 {
			t.Errorf("negotiated TLS version %x", resp.TLS.Version)
		}
	}
	srv := tlsServer(t, b, false)
	if _, err := httpsClient(b, tls.VersionTLS11).Get(srv.URL); err == nil {
		t.Error("a TLS 1.1 client was served")
	}
}
