package certs

import (
	"crypto/tls"
	"crypto/x509"
	"os"

	"github.com/prometheus/client_golang/prometheus"
)

var expiryDesc = prometheus.NewDesc("argoguard_certificate_expiration_timestamp_seconds",
	"When the certificate this replica serves (certificate=serving), and the CA in its certificate folder that signed it (certificate=ca), expire, in seconds since the Unix epoch.",
	[]string{"certificate"}, nil)

// ExpiryCollector exports the expiry of what a replica serves, read at
// each scrape, so an alert sees a certificate that is not being renewed
// whoever manages it (argoguard itself or cert-manager).
type ExpiryCollector struct {
	// Served returns the certificate being served (the certificate
	// watcher's GetCertificate).
	Served func(*tls.ClientHelloInfo) (*tls.Certificate, error)
	// CAFile is the ca.crt beside the serving pair; without it (or without
	// the signer in it) there is no ca sample.
	CAFile string
}

// Describe implements prometheus.Collector.
func (c ExpiryCollector) Describe(ch chan<- *prometheus.Desc) { ch <- expiryDesc }

// Collect implements prometheus.Collector.
func (c ExpiryCollector) Collect(ch chan<- prometheus.Metric) {
	served, err := c.Served(nil)
	if err != nil || served == nil || len(served.Certificate) == 0 {
		return
	}
	leaf := served.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(served.Certificate[0]); err != nil {
			return
		}
	}
	ch <- prometheus.MustNewConstMetric(expiryDesc, prometheus.GaugeValue, float64(leaf.NotAfter.Unix()), "serving")
	if c.CAFile == "" {
		return
	}
	data, err := os.ReadFile(c.CAFile)
	if err != nil {
		return
	}
	for _, ca := range caCerts(data) {
		if leaf.CheckSignatureFrom(ca) == nil {
			ch <- prometheus.MustNewConstMetric(expiryDesc, prometheus.GaugeValue, float64(ca.NotAfter.Unix()), "ca")
			return
		}
	}
}
