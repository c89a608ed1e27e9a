package e2e

// Faults under load: the webhook process killed, its serving certificate
// rotated, its settings reloaded, each while writers keep changing the
// guarded objects through the real API server. Load is bounded: a few
// writers for a few seconds each.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// write is one attempted update and what became of it.
type write struct {
	start, end time.Time
	value      string // the data value written
	err        error
}

// writer updates one ConfigMap over and over, one request at a time, each
// with a new value of data[key] made by value(n), until ctx ends. It keeps
// the last object the API server returned, so every update is based on the
// stored state and no update conflicts.
type writer struct {
	cs      kubernetes.Interface
	ns, cm  string
	key     string
	value   func(n int) string
	writes  []write
	current *corev1.ConfigMap
}

func (w *writer) run(ctx context.Context) {
	for n := 1; ctx.Err() == nil; n++ {
		next := w.current.DeepCopy()
		v := w.value(n)
		if next.Data == nil {
			next.Data = map[string]string{}
		}
		next.Data[w.key] = v
		// Each request gets its own deadline, longer than the webhook's
		// timeoutSeconds, and is not cut short when the load ends.
		reqCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		wr := write{start: time.Now(), value: v}
		stored, err := w.cs.CoreV1().ConfigMaps(w.ns).Update(reqCtx, next, metav1.UpdateOptions{})
		cancel()
		wr.end, wr.err = time.Now(), err
		w.writes = append(w.writes, wr)
		if err == nil {
			w.current = stored
		}
	}
}

// lastSuccess is the value of the last accepted write ("" if none).
func (w *writer) lastSuccess() string {
	for i := len(w.writes) - 1; i >= 0; i-- {
		if w.writes[i].err == nil {
			return w.writes[i].value
		}
	}
	return ""
}

// newWriter creates (or replaces) the ConfigMap from the guide's file, or
// an empty one for an unguarded name, and returns a writer for it.
func newWriter(t *testing.T, cs kubernetes.Interface, ns, name, guideFile, key string, value func(int) string) *writer {
	t.Helper()
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string]string{}}
	if guideFile != "" {
		cm = readConfigMapFile(t, guide("fixed", guideFile))
	}
	_ = cs.CoreV1().ConfigMaps(ns).Delete(ctx, name, metav1.DeleteOptions{})
	stored, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s/%s: %v", ns, name, err)
	}
	t.Cleanup(func() {
		if guideFile == "" {
			_ = cs.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
		}
	})
	return &writer{cs: cs, ns: ns, cm: name, key: key, value: value, current: stored}
}

// fixedPolicyPlus is the guide's fixed policy.csv with one more comment
// line, so every write is a valid change with a distinct value.
func fixedPolicyPlus(t *testing.T) func(int) string {
	base := readConfigMapFile(t, guide("fixed", "argocd-rbac-cm.yaml")).Data["policy.csv"]
	return func(n int) string { return base + fmt.Sprintf("# load write %d\n", n) }
}

// runLoad runs the writers until stop is closed and waits for them.
func runLoad(stop <-chan struct{}, writers ...*writer) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Add(1)
		go func() { defer wg.Done(); w.run(ctx) }()
	}
	<-stop
	cancel()
	wg.Wait()
}

// storedValue reads data[key] of the stored ConfigMap.
func storedValue(t *testing.T, cs kubernetes.Interface, ns, name, key string) string {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading %s/%s: %v", ns, name, err)
	}
	return cm.Data[key]
}

// The webhook process is killed (SIGKILL) while writers change the guarded
// argocd-rbac-cm and an unguarded ConfigMap beside it. Every guarded write
// that starts after the process is gone fails closed ("failed calling
// webhook"); every unguarded write succeeds throughout; the stored
// argocd-rbac-cm is exactly the last accepted version, whole. Once the
// webhook is back, guarded writes are accepted again.
func TestFaultWebhookKilledUnderLoad(t *testing.T) {
	c := fresh(t)
	cs := c.Clientset()
	guarded := newWriter(t, cs, "argocd", "argocd-rbac-cm", "argocd-rbac-cm.yaml", "policy.csv", fixedPolicyPlus(t))
	other := newWriter(t, cs, "argocd", "argoguard-fault-other", "", "counter", strconv.Itoa)
	t.Cleanup(func() { useSettings(t, c, enforceSettings) }) // restarts the killed webhook

	stop := make(chan struct{})
	// killing: when the kill was sent; killed: when the process was gone.
	var killing, killed time.Time
	go func() {
		time.Sleep(2 * time.Second)
		killing = time.Now()
		if err := c.Webhook().Kill(); err != nil {
			t.Errorf("killing the webhook: %v", err)
		}
		killed = time.Now()
		time.Sleep(3 * time.Second)
		close(stop)
	}()
	runLoad(stop, guarded, other)

	var before, after, afterFailed int
	for _, w := range guarded.writes {
		switch {
		case w.end.Before(killing):
			before++
			if w.err != nil {
				t.Errorf("valid guarded write refused while the webhook ran: %v", w.err)
			}
		case w.start.After(killed):
			after++
			if w.err == nil {
				t.Errorf("guarded write %q accepted with the webhook killed", lastLine(w.value))
			} else if !strings.Contains(w.err.Error(), "failed calling webhook") {
				t.Errorf("guarded write failed, but not for the webhook: %v", w.err)
			} else {
				afterFailed++
			}
		}
	}
	t.Logf("guarded writes: %d before the kill, %d after (%d failed closed); unguarded writes: %d", before, after, afterFailed, len(other.writes))
	if before == 0 || after == 0 {
		t.Fatalf("the load did not span the kill: %d writes before, %d after", before, after)
	}
	for _, w := range other.writes {
		if w.err != nil {
			t.Errorf("unguarded write failed (the outage must not reach it): %v", w.err)
		}
	}
	// Nothing half-written: the stored objects are exactly the last
	// accepted versions.
	if got, want := storedValue(t, cs, "argocd", "argocd-rbac-cm", "policy.csv"), guarded.lastSuccess(); got != want {
		t.Errorf("stored policy.csv is not the last accepted version:\nstored ends %q\nlast accepted ends %q", lastLine(got), lastLine(want))
	}
	if got, want := storedValue(t, cs, "argocd", "argoguard-fault-other", "counter"), other.lastSuccess(); got != want {
		t.Errorf("unguarded ConfigMap stored %q, last write %q", got, want)
	}

	// Back up: guarded writes are judged and accepted again.
	useSettings(t, c, enforceSettings)
	next := guarded.current.DeepCopy()
	next.Data["policy.csv"] = fixedPolicyPlus(t)(-1)
	if _, err := cs.CoreV1().ConfigMaps("argocd").Update(context.Background(), next, metav1.UpdateOptions{}); err != nil {
		t.Errorf("guarded write after the restart: %v", err)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// testCA is a CA and a serving certificate for 127.0.0.1 signed by it.
type testCA struct {
	caPEM, certPEM, keyPEM []byte
	leaf                   *x509.Certificate
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "argoguard-e2e-rotated-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano() + 1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"localhost"}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{
		caPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		leaf:    leaf,
	}
}

// writeCertFiles replaces tls.key then tls.crt in dir, each by a rename,
// as a Secret volume update or cert-manager's csi driver would.
func writeCertFiles(dir string, cert, key []byte) error {
	for _, f := range []struct {
		name string
		data []byte
	}{{"tls.key", key}, {"tls.crt", cert}} {
		tmp := filepath.Join(dir, "."+f.name+".rotating")
		if err := os.WriteFile(tmp, f.data, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, f.name)); err != nil {
			return err
		}
	}
	return nil
}

// servedCert is the leaf certificate the webhook presents now.
func servedCert(addr string) (*x509.Certificate, error) {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) // only reading which certificate is served
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0], nil
}

func waitServed(addr string, want *x509.Certificate) error {
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := servedCert(addr)
		if err == nil && got.Equal(want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the webhook did not start serving the expected certificate within a minute (last error: %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// setCABundles sets the caBundle of every webhook of argoguard's two
// configurations that points at addr to bundle(its current caBundle).
func setCABundles(cs kubernetes.Interface, addr string, bundle func(old []byte) []byte) error {
	ctx := context.Background()
	api := cs.AdmissionregistrationV1()
	vs, err := api.ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	n := 0
	for _, cfg := range vs.Items {
		changed := false
		for i, h := range cfg.Webhooks {
			if h.ClientConfig.URL != nil && strings.Contains(*h.ClientConfig.URL, addr) {
				cfg.Webhooks[i].ClientConfig.CABundle, changed = bundle(h.ClientConfig.CABundle), true
			}
		}
		if changed {
			n++
			if _, err := api.ValidatingWebhookConfigurations().Update(ctx, &cfg, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
	}
	ms, err := api.MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, cfg := range ms.Items {
		changed := false
		for i, h := range cfg.Webhooks {
			if h.ClientConfig.URL != nil && strings.Contains(*h.ClientConfig.URL, addr) {
				cfg.Webhooks[i].ClientConfig.CABundle, changed = bundle(h.ClientConfig.CABundle), true
			}
		}
		if changed {
			n++
			if _, err := api.MutatingWebhookConfigurations().Update(ctx, &cfg, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
	}
	if n != 2 {
		var urls []string
		for _, cfg := range vs.Items {
			for _, h := range cfg.Webhooks {
				if h.ClientConfig.URL != nil {
					urls = append(urls, cfg.Name+": "+*h.ClientConfig.URL)
				}
			}
		}
		for _, cfg := range ms.Items {
			for _, h := range cfg.Webhooks {
				if h.ClientConfig.URL != nil {
					urls = append(urls, cfg.Name+": "+*h.ClientConfig.URL)
				}
			}
		}
		return fmt.Errorf("found %d webhook configurations pointing at %s, want 2 (URLs: %v)", n, addr, urls)
	}
	return nil
}

// The serving certificate is rotated to one from a new CA while writers
// change argocd-rbac-cm, the way a rotation is done without downtime: the
// new CA is added to the caBundles first, then the certificate files are
// replaced and the webhook's certificate watcher picks them up. No write
// fails at any point.
func TestFaultCertificateRotatedUnderLoad(t *testing.T) {
	c := fresh(t)
	cs := c.Clientset()
	host, port, certDir := c.WebhookServing()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	oldCert, err := os.ReadFile(filepath.Join(certDir, "tls.crt"))
	if err != nil {
		t.Fatal(err)
	}
	oldKey, err := os.ReadFile(filepath.Join(certDir, "tls.key"))
	if err != nil {
		t.Fatal(err)
	}
	oldServed, err := servedCert(addr)
	if err != nil {
		t.Fatal(err)
	}
	var oldBundle []byte
	rotated := newTestCA(t)
	t.Cleanup(func() {
		// Back to envtest's certificate, then to its caBundle alone.
		if err := writeCertFiles(certDir, oldCert, oldKey); err != nil {
			t.Error(err)
		}
		if err := waitServed(addr, oldServed); err != nil {
			t.Error(err)
		}
		if oldBundle != nil {
			if err := setCABundles(cs, addr, func([]byte) []byte { return oldBundle }); err != nil {
				t.Error(err)
			}
		}
	})
	guarded := newWriter(t, cs, "argocd", "argocd-rbac-cm", "argocd-rbac-cm.yaml", "policy.csv", fixedPolicyPlus(t))

	stop := make(chan struct{})
	go func() {
		defer close(stop)
		time.Sleep(time.Second)
		// 1. Trust both CAs.
		if err := setCABundles(cs, addr, func(old []byte) []byte {
			oldBundle = old
			return append(append([]byte{}, old...), rotated.caPEM...)
		}); err != nil {
			t.Error(err)
			return
		}
		// The API server applies webhook configuration changes from its
		// watch (well under a second); give it ample time before the served
		// certificate stops being verifiable with the old CA alone.
		time.Sleep(5 * time.Second)
		// 2. Serve the new certificate.
		if err := writeCertFiles(certDir, rotated.certPEM, rotated.keyPEM); err != nil {
			t.Error(err)
			return
		}
		if err := waitServed(addr, rotated.leaf); err != nil {
			t.Error(err)
			return
		}
		time.Sleep(2 * time.Second)
	}()
	runLoad(stop, guarded)

	failed := 0
	for _, w := range guarded.writes {
		if w.err != nil {
			failed++
			if failed <= 5 {
				t.Errorf("write failed during the rotation: %v", w.err)
			}
		}
	}
	t.Logf("%d writes during the rotation, %d failed", len(guarded.writes), failed)
	if len(guarded.writes) < 10 {
		t.Errorf("only %d writes: the load did not span the rotation", len(guarded.writes))
	}
	if got, want := storedValue(t, cs, "argocd", "argocd-rbac-cm", "policy.csv"), guarded.lastSuccess(); got != want {
		t.Errorf("stored policy.csv is not the last accepted version")
	}
}

// warningRecorder keeps the admission warnings of one client's requests.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *warningRecorder) HandleWarningHeader(_ int, _ string, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, text)
}

func (r *warningRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.warnings
	r.warnings = nil
	return w
}

// verdict is how one request was judged: the rule IDs of the denial and
// the rule IDs of the warnings.
type verdict struct{ denied, warned string }

func judge(ctx context.Context, cs kubernetes.Interface, rec *warningRecorder, cm *corev1.ConfigMap) (verdict, error) {
	rec.take()
	_, err := cs.CoreV1().ConfigMaps(cm.Namespace).Create(ctx, cm.DeepCopy(), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	v := verdict{warned: strings.Join(ruleIDs(strings.Join(rec.take(), "\n")), ",")}
	if err != nil {
		if !apierrors.IsInvalid(err) && !apierrors.IsForbidden(err) && !strings.Contains(err.Error(), "denied the request") {
			return v, err
		}
		v.denied = strings.Join(ruleIDs(err.Error()), ",")
		if v.denied == "" {
			return v, err
		}
	}
	return v, nil
}

// The settings file flips between two versions while clients keep asking
// for server-side dry-runs of the guide's argocd-rbac-cm. Version A lowers
// RBAC-004 to a warning, version B lowers RBAC-007: every answer must be
// exactly A's verdict or exactly B's (never a denial under one version
// with the warnings of the other), and both must be seen.
func TestFaultSettingsReloadedUnderLoad(t *testing.T) {
	c := fresh(t)
	dir := t.TempDir()
	variant := func(rule string) string {
		return func() string {
			s, err := os.ReadFile(enforceSettings)
			if err != nil {
				t.Fatal(err)
			}
			return string(s) + "\nrules:\n  " + rule + ": warn\n"
		}()
	}
	versionA, versionB := variant("RBAC-004"), variant("RBAC-007")
	path, err := writeSettingsVariant(enforceSettings, dir, func(string) (string, error) { return versionA, nil })
	if err != nil {
		t.Fatal(err)
	}
	write := func(content string) {
		tmp := filepath.Join(dir, ".settings.tmp")
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Error(err)
			return
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Error(err)
		}
	}
	if _, err := c.StartWebhook(context.Background(), path, "--settings-poll-interval=50ms"); err != nil {
		t.Fatal(err)
	}
	currentSettings = path + " (fault reload test)"
	t.Cleanup(func() { useSettings(t, c, enforceSettings) })

	cm := readConfigMapFile(t, guide("as-written", "argocd-rbac-cm.yaml"))
	client := func() (kubernetes.Interface, *warningRecorder) {
		rec := &warningRecorder{}
		cfg := rest.CopyConfig(c.Config)
		cfg.WarningHandler = rec
		cfg.QPS, cfg.Burst = 500, 500
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return cs, rec
	}
	// The verdict of each version alone.
	cs, rec := client()
	settle := func(content string) verdict {
		write(content)
		var last verdict
		same := 0
		for deadline := time.Now().Add(time.Minute); same < 5 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			v, err := judge(context.Background(), cs, rec, cm)
			if err != nil {
				t.Fatal(err)
			}
			if v == last {
				same++
			} else {
				last, same = v, 1
			}
		}
		return last
	}
	refA, refB := settle(versionA), settle(versionB)
	t.Logf("version A: denied %s, warned %s; version B: denied %s, warned %s", refA.denied, refA.warned, refB.denied, refB.warned)
	if refA == refB || !strings.Contains(refA.denied, "RBAC-007") || !strings.Contains(refB.denied, "RBAC-004") {
		t.Fatalf("the two settings versions must judge the object differently: A %+v, B %+v", refA, refB)
	}

	// Flip the file every 150ms while 4 clients ask, for 5 seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var mu sync.Mutex
	seen := map[verdict]int{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		cs, rec := client()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				v, err := judge(context.Background(), cs, rec, cm)
				mu.Lock()
				if err != nil {
					t.Errorf("request failed during the reloads: %v", err)
				} else {
					seen[v]++
				}
				mu.Unlock()
			}
		}()
	}
	for flip := 0; ctx.Err() == nil; flip++ {
		if flip%2 == 0 {
			write(versionA)
		} else {
			write(versionB)
		}
		time.Sleep(150 * time.Millisecond)
	}
	wg.Wait()
	t.Logf("answers: %d as version A, %d as version B, %d other", seen[refA], seen[refB], len(seen)-btoi(seen[refA] > 0)-btoi(seen[refB] > 0))
	for v, n := range seen {
		if v != refA && v != refB {
			t.Errorf("%d answers judged by neither settings version alone: denied %s, warned %s", n, v.denied, v.warned)
		}
	}
	if seen[refA] == 0 || seen[refB] == 0 {
		t.Errorf("the reloads did not take effect under load: %d answers as A, %d as B", seen[refA], seen[refB])
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
