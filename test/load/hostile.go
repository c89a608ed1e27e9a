package main

// The hostile-concurrency phase: reviews built to cost argoguard memory
// (YAML values of about 900 KB whose trees exceed the node budget many
// times over, and a policy.csv as large as a ConfigMap holds) sent several
// at once, round after round, while a normal review is sent one after the
// other. It checks what the Deployment promises: the webhook stays under
// its memory limit (peak RSS), every admission is answered within the
// API server's timeout, and the normal review is answered meanwhile.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// apiServerTimeout is the timeoutSeconds of argoguard's webhooks in
// deploy/, sent with each request as the API server does (?timeout=).
const apiServerTimeout = 5 * time.Second

// hostileFlowList is a YAML flow list of about 900 KB.
func hostileFlowList() string {
	return "[" + strings.Repeat("a,", 450_000) + "a]"
}

// writeHostileBodies writes CREATE reviews of the guarded ConfigMaps with
// hostile values into dir.
func writeHostileBodies(dir string) ([]body, error) {
	var out []body
	add := func(name, ns, cmName string, data map[string]string) error {
		uid := types.UID(fmt.Sprintf("00000000-0000-4000-9000-%012d", len(out)+1))
		cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: cmName, Namespace: ns}, Data: data}
		raw, err := createReview(uid, cm)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, "hostile-"+strings.ReplaceAll(name, " ", "-")+".json")
		out = append(out, body{Name: name, Path: path, Bytes: len(raw), UID: uid, Endpoint: "validate"})
		return os.WriteFile(path, raw, 0o644)
	}
	var csv strings.Builder
	for i := 0; csv.Len() < 900<<10; i++ {
		fmt.Fprintf(&csv, "p, role:r%d, applications, get, %s/*, allow\n", i, strings.Repeat("p", 500))
	}
	for _, b := range []struct {
		name, ns, cm string
		data         map[string]string
	}{
		{"dex.config flow list", "argocd", "argocd-cm", map[string]string{"url": "https://argocd.example.com", "dex.config": "connectors: " + hostileFlowList() + "\n"}},
		{"sso flow list", "argo", "workflow-controller-configmap", map[string]string{"sso": "scopes: " + hostileFlowList() + "\n"}},
		{"scopes flow list", "argocd", "argocd-rbac-cm", map[string]string{"policy.csv": "g, alice@example.com, role:readonly\n", "scopes": hostileFlowList()}},
		{"policy.csv of long lines", "argocd", "argocd-rbac-cm", map[string]string{"policy.csv": csv.String()}},
	} {
		if err := add(b.name, b.ns, b.cm, b.data); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// createReview renders the AdmissionReview of creating cm.
func createReview(uid types.UID, cm *corev1.ConfigMap) ([]byte, error) {
	obj, err := json.Marshal(cm)
	if err != nil {
		return nil, err
	}
	gvk := metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	gvr := metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: uid, Kind: gvk, Resource: gvr, RequestKind: &gvk, RequestResource: &gvr,
			Name: cm.Name, Namespace: cm.Namespace, Operation: admissionv1.Create},
	}
	review.Request.Object.Raw = obj
	return json.Marshal(review)
}

// hostileResult is what the phase measured.
type hostileResult struct {
	Concurrent, Rounds int
	// Answers counts the hostile reviews' answers by verdict ("denied",
	// "waited for a slot too long", ...); Failures are the ones without a
	// well-formed answer.
	Answers  map[string]int
	Failures []string
	Slowest  time.Duration
	// Normal* are the normal review sent meanwhile, one after the other.
	Normal, NormalFailed int
	NormalSlowest        time.Duration
}

// runHostile sends concurrent hostile reviews at once for rounds rounds
// (cycling through hostile), and normal one after the other until they
// are done, to url with the API server's timeout.
func runHostile(ctx context.Context, client *http.Client, url string, hostile []body, normal body, concurrent, rounds int) hostileResult {
	url += "?timeout=" + apiServerTimeout.String()
	res := hostileResult{Concurrent: concurrent, Rounds: rounds, Answers: map[string]int{}}
	var mu sync.Mutex
	done := make(chan struct{})
	normalDone := make(chan struct{})
	go func() {
		defer close(normalDone)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			default:
			}
			_, d, err := postReview(ctx, client, url, normal)
			mu.Lock()
			res.Normal++
			res.NormalSlowest = max(res.NormalSlowest, d)
			if err != nil {
				res.NormalFailed++
			}
			mu.Unlock()
		}
	}()
	for round := 0; round < rounds && ctx.Err() == nil; round++ {
		var wg sync.WaitGroup
		for i := range concurrent {
			b := hostile[(round*concurrent+i)%len(hostile)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				verdict, d, err := postReview(ctx, client, url, b)
				mu.Lock()
				defer mu.Unlock()
				res.Slowest = max(res.Slowest, d)
				if err != nil {
					res.Failures = append(res.Failures, fmt.Sprintf("%s: %v", b.Name, err))
					return
				}
				res.Answers[verdict]++
			}()
		}
		wg.Wait()
	}
	close(done)
	<-normalDone
	return res
}

// postReview posts b to url and classifies the answer: the verdict of a
// well-formed answer to the request, "waited for a slot too long" for
// argoguard's answer to an admission it did not evaluate, or an error.
func postReview(ctx context.Context, client *http.Client, url string, b body) (string, time.Duration, error) {
	data, err := os.ReadFile(b.Path)
	if err != nil {
		return "", 0, err
	}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", time.Since(start), err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	d := time.Since(start)
	if err != nil {
		return "", d, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", d, fmt.Errorf("HTTP %s: %.200s", resp.Status, out)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(out, &review); err != nil || review.Response == nil {
		return "", d, fmt.Errorf("answer is not an AdmissionReview: %.200s", out)
	}
	r := review.Response
	switch {
	case r.UID == b.UID && r.Allowed:
		return "allowed", d, nil
	case r.UID == b.UID && r.Result != nil && r.Result.Code >= 500:
		return "error", d, fmt.Errorf("evaluation failed: %s", r.Result.Message)
	case r.UID == b.UID:
		return "denied", d, nil
	case r.Result != nil && strings.Contains(r.Result.Message, "--max-concurrent-admissions"):
		return "waited for a slot too long", d, nil
	}
	return "", d, fmt.Errorf("answer is not for request %s: %.200s", b.UID, out)
}

// misses lists what the phase promised and did not keep, with peak the
// server's peak RSS and limit the Deployment's memory limit.
func (r hostileResult) misses(peak, limit int64, timeout time.Duration) []string {
	var out []string
	if limit > 0 && peak >= limit {
		out = append(out, fmt.Sprintf("hostile concurrency: peak RSS %.1f MiB, at or over the %d MiB limit", float64(peak)/(1<<20), limit>>20))
	}
	if r.Slowest > timeout {
		out = append(out, fmt.Sprintf("hostile concurrency: slowest answer %s (API server timeout %s)", r.Slowest.Round(time.Millisecond), timeout))
	}
	if r.NormalSlowest > timeout {
		out = append(out, fmt.Sprintf("hostile concurrency: normal review's slowest answer %s (timeout %s)", r.NormalSlowest.Round(time.Millisecond), timeout))
	}
	if len(r.Failures) > 0 {
		out = append(out, fmt.Sprintf("hostile concurrency: %d reviews without an answer: %s", len(r.Failures), r.Failures[0]))
	}
	if r.Normal == 0 || r.NormalFailed > 0 {
		out = append(out, fmt.Sprintf("hostile concurrency: normal review answered %d times, %d failed", r.Normal-r.NormalFailed, r.NormalFailed))
	}
	return out
}
