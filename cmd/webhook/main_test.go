package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/internal/testenv"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/webhook"
	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

func TestParseOptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--settings is required"},
		{[]string{"--settings", "s.yaml", "--cert-management", "manual"}, "--cert-management"},
		{[]string{"--settings", "s.yaml", "--port", "0"}, "--port"},
		{[]string{"--settings", "s.yaml", "stray"}, "unexpected arguments"},
		{[]string{"--settings", "s.yaml", "--max-concurrent-admissions", "0"}, "--max-concurrent-admissions"},
	} {
		if _, err := parseOptions(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
	o, err := parseOptions([]string{"--settings", "s.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if o.port != 9443 || o.certManagement != "self" || o.metricsAddr != ":8443" || !o.metricsSecure || o.probeAddr != ":8081" ||
		o.certDir != "/tmp/k8s-webhook-server/serving-certs" || o.validatingWebhook != "argoguard" || o.enableHTTP2 ||
		o.maxConcurrent != webhook.DefaultMaxConcurrentAdmissions {
		t.Errorf("defaults differ from the deploy contract: %+v", o)
	}
}

// The webhook's command line reaches the audit controller: --report-format,
// --audit-resync and --audit-recheck-interval; --audit-poll-interval is
// still accepted, with a deprecation note; a bad format is refused.
func TestAuditFlags(t *testing.T) {
	o, err := parseOptions([]string{"--settings", "s.yaml", "--report-format=openreports", "--audit-resync=30m",
		"--audit-recheck-interval=2m", "--audit-poll-interval=2s"})
	if err != nil {
		t.Fatal(err)
	}
	want := audit.DefaultOptions()
	want.ReportFormat, want.Resync, want.Recheck = report.FormatOpenReports, 30*time.Minute, 2*time.Minute
	if o.audit != want {
		t.Fatalf("audit options %+v, want %+v", o.audit, want)
	}
	if len(o.deprecated) != 1 || !strings.Contains(o.deprecated[0], "--audit-poll-interval is deprecated") {
		t.Errorf("deprecation notes %q", o.deprecated)
	}
	if _, err := audit.New(webhook.Deps{Log: logr.Discard()}, nil, nil, nil, o.audit); err != nil {
		t.Fatal(err)
	}
	if o, err = parseOptions([]string{"--settings", "s.yaml"}); err != nil || len(o.deprecated) != 0 {
		t.Fatalf("without the deprecated flag: %v, notes %q", err, o.deprecated)
	}
	if d := o.audit; d.ReportFormat != report.FormatPolicyReport || d.Resync != time.Hour {
		t.Errorf("defaults %+v: want policyreport and a 1h resync", d)
	}
	if _, err := parseOptions([]string{"--settings", "s.yaml", "--report-format=policyreports"}); err == nil || !strings.Contains(err.Error(), "--report-format") {
		t.Errorf("--report-format=policyreports (a typo): %v", err)
	}
	if _, err := parseOptions([]string{"--settings", "s.yaml", "--audit-recheck-interval=0s"}); err == nil || !strings.Contains(err.Error(), "--audit-recheck-interval") {
		t.Errorf("a zero recheck interval: %v", err)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func readYAML(t *testing.T, path string, into any) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatal(err)
	}
}

// TestWebhookAgainstAPIServer runs the real wiring (run) against a real
// kube-apiserver: self-managed certificates, caBundle injection, caches on
// the guarded objects, readiness, a denial over HTTPS, and metrics.
func TestWebhookAgainstAPIServer(t *testing.T) {
	env := testenv.APIServer(t)
	cfg, c := env.Config, env.Client
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, ns := range []string{"argoguard", "argocd", "argo"} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	guide := "../../test/testdata/guide"
	for _, f := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		var cm corev1.ConfigMap
		readYAML(t, filepath.Join(guide, "fixed", f), &cm)
		if err := c.Create(ctx, &cm); err != nil {
			t.Fatal(err)
		}
	}
	none := admissionregistrationv1.SideEffectClassNone
	url := "https://127.0.0.1/validate"
	if err := c.Create(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "argoguard"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.argoguard.io", SideEffects: &none,
			AdmissionReviewVersions: []string{"v1"}, ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url},
			Rules: []admissionregistrationv1.RuleWithOperations{}}},
	}); err != nil {
		t.Fatal(err)
	}

	// kubeconfig for --kubeconfig, as a user would pass it.
	dir := t.TempDir()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["envtest"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["envtest"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "envtest"}
	kc.CurrentContext = "envtest"
	kcPath := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, kcPath); err != nil {
		t.Fatal(err)
	}
	settingsPath := filepath.Join(dir, "settings.yaml")
	data, _ := os.ReadFile(filepath.Join(guide, "argoguard-settings.yaml"))
	_ = os.WriteFile(settingsPath, data, 0o644)
	groups, _ := os.ReadFile(filepath.Join(guide, "aws-groups.json"))
	_ = os.WriteFile(filepath.Join(dir, "aws-groups.json"), groups, 0o644)

	port, probe, metrics := freePort(t), freePort(t), freePort(t)
	o, err := parseOptions([]string{"--settings", settingsPath, "--kubeconfig", kcPath, "--cert-dir", filepath.Join(dir, "certs"),
		"--host", "127.0.0.1", "--port", fmt.Sprint(port), "--namespace", "argoguard",
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", probe),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", metrics)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, logr.Discard()) }()

	// Ready means: certificate loaded, server started, caches synced.
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", probe))
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("webhook stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("webhook never became ready")
		}
		time.Sleep(200 * time.Millisecond)
	}

	var sec corev1.Secret
	if err := c.Get(ctx, client.ObjectKey{Namespace: "argoguard", Name: o.certSecret}, &sec); err != nil {
		t.Fatalf("certificate Secret: %v", err)
	}
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	_ = c.Get(ctx, client.ObjectKey{Name: "argoguard"}, &vwc)
	if !bytes.Equal(vwc.Webhooks[0].ClientConfig.CABundle, sec.Data["ca.crt"]) {
		t.Error("caBundle not injected")
	}

	// An UPDATE of the live (fixed) argocd-rbac-cm to the guide's broken
	// version, over HTTPS with the injected CA, as the API server sends it.
	var bad, live corev1.ConfigMap
	readYAML(t, filepath.Join(guide, "as-written", "argocd-rbac-cm.yaml"), &bad)
	readYAML(t, filepath.Join(guide, "fixed", "argocd-rbac-cm.yaml"), &live)
	rawBad, _ := json.Marshal(bad)
	rawLive, _ := json.Marshal(live)
	review, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "e2e-1", Kind: metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"},
			Resource: metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"},
			Name:     "argocd-rbac-cm", Namespace: "argocd", Operation: admissionv1.Update,
			Object: runtime.RawExtension{Raw: rawBad}, OldObject: runtime.RawExtension{Raw: rawLive}},
	})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(sec.Data["ca.crt"])
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "argoguard.argoguard.svc"}}}
	resp, err := hc.Post(fmt.Sprintf("https://127.0.0.1:%d/validate", port), "application/json", bytes.NewReader(review))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.Proto != "HTTP/1.1" {
		t.Errorf("served %s; HTTP/2 should be off by default", resp.Proto)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &ar); err != nil || ar.Response == nil {
		t.Fatalf("bad answer: %v %s", err, body)
	}
	if ar.Response.Allowed || !strings.Contains(ar.Response.Result.Message, "RBAC-007") {
		t.Fatalf("broken RBAC allowed or denial without RBAC-007: %+v", ar.Response.Result)
	}

	// The settings file changes to audit mode: the running webhook picks it
	// up (polling) and the same change is now allowed with warnings. A bad
	// file in between is ignored.
	_ = os.WriteFile(settingsPath, []byte("mode: sometimes\n"), 0o644)
	_ = os.WriteFile(settingsPath, append([]byte("mode: audit\n"), bytes.Replace(data, []byte("mode: enforce"), nil, 1)...), 0o644)
	for {
		resp, err := hc.Post(fmt.Sprintf("https://127.0.0.1:%d/validate", port), "application/json", bytes.NewReader(review))
		if err != nil {
			t.Fatal(err)
		}
		var ar admissionv1.AdmissionReview
		_ = json.NewDecoder(resp.Body).Decode(&ar)
		_ = resp.Body.Close()
		if ar.Response != nil && ar.Response.Allowed {
			if !strings.Contains(strings.Join(ar.Response.Warnings, " "), "RBAC-007") {
				t.Errorf("audit mode answer without warnings: %v", ar.Response.Warnings)
			}
			break
		}
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatal("settings change to audit mode never took effect")
		}
		time.Sleep(200 * time.Millisecond)
	}

	// /metrics over HTTPS with the webhook's certificate, and only for a
	// bearer token the API server authenticates and authorizes.
	mb := scrape(t, hc, fmt.Sprintf("https://127.0.0.1:%d/metrics", metrics), metricsToken(t, env, "prometheus", true))
	for _, want := range []string{
		// Denied at least once: the loop above may see enforce mode again
		// before the reloaded settings take effect.
		`argoguard_admission_decisions_total{object="argocd/argocd-rbac-cm",verdict="denied"}`,
		`argoguard_findings_total{action="deny",mode="enforce",rule="RBAC-007"}`,
		`argoguard_admission_decisions_total{object="argocd/argocd-rbac-cm",verdict="warned"}`,
		`controller_runtime_webhook_requests_total{code="200",webhook="/validate"}`,
	} {
		if !strings.Contains(mb, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// The certificate expiry gauges: what this replica serves, and its CA.
	for _, want := range []struct {
		label string
		pem   []byte
	}{{"serving", sec.Data["tls.crt"]}, {"ca", sec.Data["ca.crt"]}} {
		block, _ := pem.Decode(want.pem)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf(`argoguard_certificate_expiration_timestamp_seconds{certificate=%q} %g`, want.label, float64(cert.NotAfter.Unix()))
		if !strings.Contains(mb, line+"\n") {
			t.Errorf("metrics lack %s", line)
		}
	}
	metricsURL := fmt.Sprintf("https://127.0.0.1:%d/metrics", metrics)
	for _, tc := range []struct {
		who, token string
		want       int
	}{
		{"no token", "", http.StatusUnauthorized},
		// The TokenReview does not authenticate a token that is no JWT.
		{"a token the API server does not know", "not-a-token", http.StatusUnauthorized},
		{"a ServiceAccount without get on /metrics", metricsToken(t, env, "nosy", false), http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodGet, metricsURL, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want || strings.Contains(string(body), "argoguard_") {
			t.Errorf("/metrics with %s: %s, want %d and no metrics", tc.who, resp.Status, tc.want)
		}
	}
	if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics)); err == nil {
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "argoguard_") {
			t.Errorf("/metrics over plain HTTP: %s", resp.Status)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run returned %v on shutdown", err)
	}
}

// metricsToken returns a token of a new ServiceAccount in argoguard's
// namespace, bound to a ClusterRole with get on /metrics when reader (the
// role deploy/ ships as argoguard-metrics-reader for scrapers).
func metricsToken(t *testing.T, env *testenv.Env, name string, reader bool) string {
	t.Helper()
	ctx := context.Background()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "argoguard", Name: name}}
	if err := env.Client.Create(ctx, sa); err != nil {
		t.Fatal(err)
	}
	if reader {
		role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name + "-metrics-reader"},
			Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}
		binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: role.Name},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "argoguard", Name: name}}}
		for _, o := range []client.Object{role, binding} {
			if err := env.Client.Create(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	cs, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := cs.CoreV1().ServiceAccounts("argoguard").CreateToken(ctx, name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

// scrape GETs /metrics with the token. The filter's authorizer caches a
// denial for a while and RBAC takes effect from a watch, so a just-bound
// ServiceAccount may be refused briefly.
func scrape(t *testing.T, hc *http.Client, url, token string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return string(body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics with an authorized token: %s %s", resp.Status, body)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestRefusesToStartWithoutItsInputs(t *testing.T) {
	dir := t.TempDir()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["none"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
	kc.AuthInfos["none"] = &clientcmdapi.AuthInfo{Token: "unused"}
	kc.Contexts["none"] = &clientcmdapi.Context{Cluster: "none", AuthInfo: "none"}
	kc.CurrentContext = "none"
	kcPath := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, kcPath); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "settings.yaml")
	_ = os.WriteFile(good, []byte("mode: enforce\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("mode: enforce\nrules: {RBAC-007: block}\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--settings", filepath.Join(dir, "missing.yaml")}, "no such file"},
		{[]string{"--settings", bad}, "rules[RBAC-007]"},
		{[]string{"--settings", good, "--cert-management", "external", "--cert-dir", filepath.Join(dir, "empty")}, "--cert-dir"},
	} {
		o, err := parseOptions(append(tc.args, "--kubeconfig", kcPath))
		if err != nil {
			t.Fatal(err)
		}
		err = run(context.Background(), o, logr.Discard())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
}
