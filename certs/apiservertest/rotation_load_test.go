package apiservertest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/argoguard/argoguard/certs"
)

// replica is one webhook server as cmd/webhook runs it: a FileSync filling
// its own certificate folder from the Secret and a certificate watcher
// serving what is there. It closes every connection after one request, so
// each admission call is a fresh TLS handshake.
type replica struct {
	watcher *certwatcher.CertWatcher
	addr    string
	// issuers are the CAs (key identifiers) whose certificates it was seen
	// serving; loaded says when it first loaded a certificate of each.
	mu      sync.Mutex
	issuers map[string]bool
	loaded  map[string]time.Time
}

func startReplica(t *testing.T, ctx context.Context, bg *sync.WaitGroup, r *certs.Rotator) *replica {
	t.Helper()
	if _, err := r.Sync(ctx); err != nil { // start-up, as cmd/webhook does
		t.Fatal(err)
	}
	w, err := certwatcher.New(filepath.Join(r.CertDir, certs.KeyCert), filepath.Join(r.CertDir, certs.KeyKey))
	if err != nil {
		t.Fatal(err)
	}
	rep := &replica{watcher: w, issuers: map[string]bool{}, loaded: map[string]time.Time{}}
	w.RegisterCallback(func(c tls.Certificate) {
		if c.Leaf == nil {
			return
		}
		rep.mu.Lock()
		defer rep.mu.Unlock()
		if _, ok := rep.loaded[string(c.Leaf.AuthorityKeyId)]; !ok {
			rep.loaded[string(c.Leaf.AuthorityKeyId)] = time.Now()
		}
	})
	bg.Go(func() { _ = w.Start(ctx) })
	bg.Go(func() { _ = certs.FileSync{Rotator: r}.Start(ctx) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(allow), ReadHeaderTimeout: 10 * time.Second}
	srv.SetKeepAlivesEnabled(false)
	cfg := &tls.Config{GetCertificate: w.GetCertificate}
	for _, opt := range certs.TLSOptions(false) {
		opt(cfg)
	}
	go func() { _ = srv.Serve(tls.NewListener(l, cfg)) }()
	t.Cleanup(func() { _ = srv.Close() })
	rep.addr = l.Addr().String()
	return rep
}

// allow answers every AdmissionReview with allowed.
func allow(w http.ResponseWriter, req *http.Request) {
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(io.LimitReader(req.Body, 1<<20)).Decode(&review); err != nil || review.Request == nil {
		http.Error(w, "bad review", http.StatusBadRequest)
		return
	}
	review.Response = &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}
	review.Request = nil
	_ = json.NewEncoder(w).Encode(&review)
}

// sample records which CA signed what the replica serves now.
func (r *replica) sample() {
	c, err := r.watcher.GetCertificate(nil)
	if err != nil || c == nil || c.Leaf == nil {
		return
	}
	r.mu.Lock()
	r.issuers[string(c.Leaf.AuthorityKeyId)] = true
	r.mu.Unlock()
}

// roundRobin accepts on a local port and hands each connection to the next
// replica, as a Service does: the API server calls "the webhook", and any
// replica may answer.
func roundRobin(t *testing.T, ctx context.Context, replicas []*replica) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { <-ctx.Done(); _ = l.Close() }()
	var next atomic.Uint64
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			to := replicas[next.Add(1)%uint64(len(replicas))].addr
			go func() {
				defer in.Close()
				out, err := net.Dial("tcp", to)
				if err != nil {
					return
				}
				defer out.Close()
				done := make(chan struct{}, 2)
				go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
				go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
				<-done
			}()
		}
	}()
	return l.Addr().String()
}

// The Rotator rotates its CA several times while a real kube-apiserver
// keeps calling three replicas (behind one address, like a Service) with
// failurePolicy Fail, trusting exactly the caBundle the Rotator injects.
// The protocol in certs/rotator.go says no replica ever serves what that
// caBundle does not verify: not one admission call may fail. Lifetimes
// are seconds so that the rotations happen within the test; the assertion
// is about correctness only.
func TestRotationUnderLoadFailsNoAdmission(t *testing.T) {
	if testing.Short() {
		t.Skip("rotates for about a minute")
	}
	c := apiServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, ns := range []string{"load"} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	// The API server calls https://localhost:<port>: "localhost" is one of
	// the names DNSNamesFor gives the certificate.
	dnsNames := certs.DNSNamesFor("localhost", "argoguard")
	lifetimes := certs.Lifetimes{CA: 24 * time.Second, Serving: 12 * time.Second}
	newRotator := func(name string) *certs.Rotator {
		return &certs.Rotator{Client: c, Namespace: "argoguard", Secret: "argoguard-tls", DNSNames: dnsNames,
			CertDir: t.TempDir(), ValidatingWebhook: "argoguard-rotation", Interval: 500 * time.Millisecond,
			TrustDelay: 2 * time.Second, Lifetimes: lifetimes, Log: testr.New(t).WithName(name)}
	}

	// The configuration exists before the first replica starts, with an
	// empty caBundle, as deploy/ ships it.
	replicas := make([]*replica, 3)
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(10)
	url := "https://localhost:0/validate" // the port is set below
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "argoguard-rotation"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: "rotation.argoguard.io", SideEffects: &none, AdmissionReviewVersions: []string{"v1"},
			FailurePolicy: &fail, TimeoutSeconds: &timeout,
			ClientConfig:      admissionregistrationv1.WebhookClientConfig{URL: &url},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "load"}},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
			}},
		}},
	}
	if err := c.Create(ctx, vwc); err != nil {
		t.Fatal(err)
	}
	// When each CA first appeared in the caBundle stored in the API server.
	var inBundleMu sync.Mutex
	inBundle := map[string]time.Time{}
	go func() {
		for ctx.Err() == nil {
			var cur admissionregistrationv1.ValidatingWebhookConfiguration
			if err := c.Get(ctx, client.ObjectKey{Name: "argoguard-rotation"}, &cur); err == nil {
				now := time.Now()
				inBundleMu.Lock()
				for rest := cur.Webhooks[0].ClientConfig.CABundle; ; {
					var block *pem.Block
					if block, rest = pem.Decode(rest); block == nil {
						break
					}
					if ca, err := x509.ParseCertificate(block.Bytes); err == nil {
						if _, ok := inBundle[string(ca.SubjectKeyId)]; !ok {
							inBundle[string(ca.SubjectKeyId)] = now
						}
					}
				}
				inBundleMu.Unlock()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	var bg sync.WaitGroup
	leader := newRotator("replica-0")
	for i := range replicas {
		r := leader
		if i > 0 {
			r = newRotator(fmt.Sprintf("replica-%d", i))
		}
		replicas[i] = startReplica(t, ctx, &bg, r)
	}
	front := roundRobin(t, ctx, replicas)
	_, port, _ := net.SplitHostPort(front)
	url = "https://localhost:" + port + "/validate"
	if err := c.Get(ctx, client.ObjectKey{Name: vwc.Name}, vwc); err != nil {
		t.Fatal(err)
	}
	vwc.Webhooks[0].ClientConfig.URL = &url
	if err := c.Update(ctx, vwc); err != nil {
		t.Fatal(err)
	}
	// The leader's rounds, on replica 0 and into the folder it serves from,
	// as in cmd/webhook.
	bg.Go(func() { _ = leader.Start(ctx) })
	// Stop every loop before the certificate folders are removed.
	t.Cleanup(func() { cancel(); bg.Wait() })

	// Wait until the API server calls the replicas at all (it applies the
	// new URL from its watch).
	create := func(n int) error {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "load", Name: "cm-" + strconv.Itoa(n)}}
		return c.Create(ctx, cm, client.DryRunAll)
	}
	deadline := time.Now().Add(30 * time.Second)
	for err := create(0); err != nil; err = create(0) {
		if time.Now().After(deadline) {
			t.Fatalf("the API server never reached the replicas: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	firstLoad := time.Now()
	// Load until the Secret has seen three more CAs, each issued serving
	// certificates and the first ones expired out of the trust bundle.
	const rotations = 3
	var (
		calls, failed atomic.Int64
		firstErrs     = make(chan error, 5)
		seenCAs       = map[string]bool{}
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				calls.Add(1)
				if err := create(n); err != nil {
					failed.Add(1)
					select {
					case firstErrs <- err:
					default:
					}
				}
			}
		}()
	}
	limit := time.Now().Add(3 * time.Minute)
	for len(seenCAs) < rotations+1 {
		if time.Now().After(limit) {
			break
		}
		var sec corev1.Secret
		if err := c.Get(ctx, client.ObjectKey{Namespace: "argoguard", Name: "argoguard-tls"}, &sec); err == nil {
			if block, _ := pem.Decode(sec.Data[certs.KeyCACert]); block != nil {
				if ca, err := x509.ParseCertificate(block.Bytes); err == nil {
					seenCAs[string(ca.SubjectKeyId)] = true
				}
			}
		}
		for _, r := range replicas {
			r.sample()
		}
		time.Sleep(100 * time.Millisecond)
	}
	// More load after the last rotation, so the last CA's serving
	// certificates are issued and loaded everywhere.
	for end := time.Now().Add(lifetimes.CA / 2); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		for _, r := range replicas {
			r.sample()
		}
	}
	close(stop)
	wg.Wait()

	t.Logf("%d admission calls, %d failed, %d CAs", calls.Load(), failed.Load(), len(seenCAs))
	// The order behind that: a replica loads a certificate of a new CA only
	// once the stored caBundle has held the CA for about TrustDelay (the
	// API servers' margin to apply it). The first CA is exempt: it was
	// injected before any replica served at all.
	inBundleMu.Lock()
	defer inBundleMu.Unlock()
	for i, r := range replicas {
		r.mu.Lock()
		for ca, at := range r.loaded {
			seen, ok := inBundle[ca]
			switch {
			case !ok:
				t.Errorf("replica %d loaded a certificate of a CA never seen in the caBundle", i)
			case at.Sub(firstLoad) > time.Second && at.Sub(seen) < time.Second:
				t.Errorf("replica %d loaded a certificate of a new CA %v after it entered the caBundle, want TrustDelay", i, at.Sub(seen))
			}
		}
		r.mu.Unlock()
	}
	close(firstErrs)
	for err := range firstErrs {
		t.Errorf("admission failed during rotation: %v", err)
	}
	if len(seenCAs) < rotations+1 {
		t.Fatalf("only %d CAs within the time limit, want %d rotations", len(seenCAs), rotations)
	}
	for i, r := range replicas {
		if len(r.issuers) < rotations+1 {
			t.Errorf("replica %d served certificates of %d CAs, want each of %d", i, len(r.issuers), rotations+1)
		}
	}
	if calls.Load() < 100 {
		t.Errorf("only %d admission calls: the load did not span the rotations", calls.Load())
	}
}
