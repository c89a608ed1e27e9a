package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ScraperServiceAccount is the ServiceAccount ScrapeMetrics scrapes as,
// bound to the argoguard-metrics-reader ClusterRole deploy/base ships.
const ScraperServiceAccount = "argoguard-e2e-scraper"

// ScrapeMetrics GETs the running webhook's /metrics as Prometheus would:
// over HTTPS trusting the CA of the webhook's certificate, with a token
// of a ServiceAccount bound to argoguard-metrics-reader. RBAC reaches the
// webhook's authorizer from a watch and a denial is cached for a while, so
// a refusal is retried for a minute.
func (c *Cluster) ScrapeMetrics(ctx context.Context) ([]byte, error) {
	if c.webhook == nil {
		return nil, errors.New("no webhook running")
	}
	if c.scraperToken == "" {
		token, err := c.scraper(ctx)
		if err != nil {
			return nil, err
		}
		c.scraperToken = token
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.env.WebhookInstallOptions.LocalServingCAData)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	deadline := time.Now().Add(time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+c.webhook.MetricsAddr+"/metrics", nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+c.scraperToken)
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode == http.StatusOK {
			return body, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("GET /metrics as %s: %s %s (%v)", ScraperServiceAccount, resp.Status, body, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// scraper creates the scraping ServiceAccount, binds it to
// argoguard-metrics-reader and returns a token for it.
func (c *Cluster) scraper(ctx context.Context) (string, error) {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: GuardNamespace, Name: ScraperServiceAccount}}
	if _, err := c.clientset.CoreV1().ServiceAccounts(GuardNamespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return "", err
	}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: ScraperServiceAccount},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "argoguard-metrics-reader"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: GuardNamespace, Name: ScraperServiceAccount}}}
	if _, err := c.clientset.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return "", err
	}
	tr, err := c.clientset.CoreV1().ServiceAccounts(GuardNamespace).CreateToken(ctx, ScraperServiceAccount, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", ScraperServiceAccount, err)
	}
	return tr.Status.Token, nil
}
