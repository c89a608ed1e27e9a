package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/test/load/gen"
)

var lookPath = exec.LookPath

// harness holds the running parts of one load test.
type harness struct {
	o         options
	cp        *controlPlane
	argoguard *server
	noop      *server
	client    *http.Client
	bodies    []body
	script    string
	// hostile are the hostile-concurrency phase's bodies; hostileRes what
	// it measured (nil when skipped), with argoguard's peak RSS in it and
	// the Deployment's memory limit (0: none).
	hostile     []body
	hostileRes  *hostileResult
	hostilePeak int64
	memLimit    int64
}

func newHarness(ctx context.Context, o options) (h *harness, err error) {
	h = &harness{o: o}
	defer func() {
		if err != nil {
			h.stop()
		}
	}()
	certDir := filepath.Join(o.workDir, "certs")
	pool, err := writeServingCert(certDir)
	if err != nil {
		return nil, err
	}
	h.client = tlsClient(pool)
	if h.bodies, err = writeBodies(o.guideDir, o.workDir); err != nil {
		return nil, err
	}
	if h.hostile, err = writeHostileBodies(o.workDir); err != nil {
		return nil, err
	}
	_, self, _, _ := runtime.Caller(0)
	h.script = filepath.Join(filepath.Dir(self), "post.lua")
	if _, err := os.Stat(h.script); err != nil {
		return nil, err
	}
	settingsPath, err := writeSettings(o.guideDir, o.workDir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "load: starting kube-apiserver and etcd from %s\n", o.assets)
	if h.cp, err = startControlPlane(ctx, o.assets, o.guideDir, o.workDir); err != nil {
		return nil, err
	}

	ports := make([]int, 3)
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return nil, err
		}
	}
	probe := "127.0.0.1:" + strconv.Itoa(ports[2])
	var env []string
	if o.deployment != "" {
		if env, err = runtimeEnv(o.deployment); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "load: argoguard runs with %s from %s\n", strings.Join(env, " "), o.deployment)
		if h.memLimit, err = memoryLimit(o.deployment); err != nil {
			return nil, err
		}
	}
	h.argoguard, err = startServer("argoguard", o.serverCPUs, filepath.Join(o.workDir, "argoguard.log"), env, o.webhookBin, ports[0],
		"--settings="+settingsPath, "--cert-management=external", "--cert-dir="+certDir,
		"--host=127.0.0.1", "--port="+strconv.Itoa(ports[0]), "--kubeconfig="+h.cp.kubeconfig,
		"--health-probe-bind-address="+probe, "--metrics-bind-address=0", "--pprof-bind-address="+cmp.Or(o.pprofAddr, "0"))
	if err != nil {
		return nil, err
	}
	h.noop, err = startServer("noop", o.serverCPUs, filepath.Join(o.workDir, "noop.log"), nil, o.noopBin, ports[1],
		"--cert-dir="+certDir, "--host=127.0.0.1", "--port="+strconv.Itoa(ports[1]))
	if err != nil {
		return nil, err
	}
	if err := h.argoguard.waitHTTP(http.DefaultClient, "http://"+probe+"/readyz", 2*time.Minute); err != nil {
		return nil, err
	}
	for _, s := range []*server{h.noop, h.argoguard} {
		if err := h.waitAnswering(s, h.bodies[0]); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *harness) stop() {
	for _, s := range []*server{h.argoguard, h.noop} {
		if s != nil {
			s.stop()
		}
	}
	if h.cp != nil {
		h.cp.stop()
	}
}

// tlsClient trusts only the test's certificate and speaks HTTP/1.1, as
// kube-apiserver does to webhooks with HTTP/2 off.
func tlsClient(pool *x509.CertPool) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: false,
	}}
}

// writeSettings writes the guide's settings with an identity provider that
// also knows the generated policies' groups.
func writeSettings(guideDir, workDir string) (string, error) {
	guide, err := settingsfile.Load(filepath.Join(guideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		return "", err
	}
	raw, err := os.ReadFile(filepath.Join(guideDir, "argoguard-settings.yaml"))
	if err != nil {
		return "", err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return "", err
	}
	identity, _ := doc["identity"].(map[string]any)
	if identity == nil {
		identity = map[string]any{}
		doc["identity"] = identity
	}
	identity["groupsFile"] = "groups.json"
	groups := gen.AWSGroupsJSON(policyLineCounts[len(policyLineCounts)-1], guide.Identity.Groups...)
	if err := os.WriteFile(filepath.Join(workDir, "groups.json"), []byte(groups), 0o644); err != nil {
		return "", err
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return "", err
	}
	path := filepath.Join(workDir, "settings.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return "", err
	}
	// The webhook would refuse to start on a bad file (rule IDs included).
	_, err = settingsfile.Load(path, rules.MustNewRegistry().Known)
	return path, err
}

// url is the address of one of the server's webhooks (validate, mutate).
func (s *server) url(endpoint string) string {
	return fmt.Sprintf("https://127.0.0.1:%d/%s", s.Port, endpoint)
}

// waitAnswering sends b until the server answers it (the server may still
// be opening its port).
func (h *harness) waitAnswering(s *server, b body) error {
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := h.send(s, b)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer admissions: %w\nlog %s:\n%s", s.Name, err, s.log, tail(s.log, 20))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// send posts b once and checks that the answer is a well-formed
// AdmissionReview for the same request. It returns the verdict.
func (h *harness) send(s *server, b body) (string, error) {
	data, err := os.ReadFile(b.Path)
	if err != nil {
		return "", err
	}
	resp, err := h.client.Post(s.url(b.Endpoint), "application/json", bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %s: %s", resp.Status, out)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(out, &review); err != nil {
		return "", fmt.Errorf("answer is not an AdmissionReview: %w", err)
	}
	r := review.Response
	if r == nil || r.UID != b.UID {
		return "", fmt.Errorf("answer is not for request %s: %s", b.UID, out)
	}
	verdict := "allowed"
	if !r.Allowed {
		verdict = "denied"
		if r.Result != nil && r.Result.Code >= 500 {
			verdict = "error"
		}
	}
	if len(r.Patch) > 0 {
		verdict += ", patched"
	}
	if len(r.Warnings) > 0 {
		verdict += fmt.Sprintf(", %d warnings", len(r.Warnings))
	}
	return verdict, nil
}

// row is one body measured at both servers.
type row struct {
	Body                body
	Verdict             map[string]string
	Latency, Throughput map[string]wrkResult
	// Conns is the number of connections of the throughput phase.
	Conns int
}

// timeOne is the shortest of three sequential admissions of b at s.
func (h *harness) timeOne(s *server, b body) time.Duration {
	best := time.Duration(0)
	for i := 0; i < 3; i++ {
		start := time.Now()
		if _, err := h.send(s, b); err != nil {
			continue
		}
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	return best
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}

func (h *harness) measure(ctx context.Context) ([]row, error) {
	var rows []row
	for _, b := range h.bodies {
		if h.o.only != nil && !h.o.only.MatchString(b.Name) {
			continue
		}
		r := row{Body: b, Verdict: map[string]string{}, Latency: map[string]wrkResult{}, Throughput: map[string]wrkResult{}}
		for _, s := range []*server{h.noop, h.argoguard} {
			v, err := h.send(s, b)
			if err != nil {
				return nil, fmt.Errorf("%s, body %q: %w", s.Name, b.Name, err)
			}
			r.Verdict[s.Name] = v
			fmt.Fprintf(os.Stderr, "load: %-28s %-9s %s\n", b.Name, s.Name, v)
			// Heavy bodies get longer phases (up to 20 s, for about 1,000
			// sequential requests: a p99 of fewer is nearly the maximum;
			// ~10 rounds of all connections) and fewer connections, so
			// every phase completes requests; both servers get the same
			// phases.
			per := h.timeOne(s, b)
			if s == h.noop {
				per = max(per, h.timeOne(h.argoguard, b))
			}
			latDur := clamp(1000*per, h.o.latencyDuration, 20*time.Second)
			conns := h.o.conns
			if per > 10*time.Millisecond {
				conns = 2
			}
			thrDur := clamp(time.Duration(10*conns)*per, h.o.duration, 30*time.Second)
			if r.Latency[s.Name], err = runWrk(ctx, h.o.wrkBin, h.script, h.o.loadgenCPUs, b.Path, s.url(b.Endpoint), 1, 1, latDur); err != nil {
				return nil, err
			}
			if r.Throughput[s.Name], err = runWrk(ctx, h.o.wrkBin, h.script, h.o.loadgenCPUs, b.Path, s.url(b.Endpoint), conns, 2, thrDur); err != nil {
				return nil, err
			}
			r.Conns = conns
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// report prints the table, peak RSS, targets, and last the worst p99 ratio.
func (h *harness) report(w io.Writer, rows []row) error {
	cpuModel := "unknown"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpuModel = strings.TrimSpace(v)
				break
			}
		}
	}
	fmt.Fprintf(w, "machine: %d CPUs (%s); servers on cpus %s, wrk on cpus %s; latency: 1 connection for %s; throughput: %d connections (2 for bodies slower than 10ms) for at least %s\n",
		runtime.NumCPU(), cpuModel, h.o.serverCPUs, h.o.loadgenCPUs, h.o.latencyDuration, h.o.conns, h.o.duration)
	fmt.Fprintf(w, "%-28s %8s %-9s %-22s %9s %9s %11s %9s %7s\n", "body", "bytes", "server", "verdict", "p50", "p99", "p99 loaded", "adm/s", "failed")
	worst, worstBody := 0.0, ""
	var misses []string
	for _, r := range rows {
		for _, name := range []string{"noop", "argoguard"} {
			l, t := r.Latency[name], r.Throughput[name]
			fmt.Fprintf(w, "%-28s %8d %-9s %-22s %9s %9s %11s %9.1f %7d\n", r.Body.Name, r.Body.Bytes, name, r.Verdict[name],
				ms(l.P50), ms(l.P99), ms(t.P99), t.PerSecond(), l.Failed()+t.Failed())
		}
		ag, noop := r.Latency["argoguard"], r.Latency["noop"]
		p99r := ratio(ag.P99, noop.P99)
		tput := r.Throughput["argoguard"].PerSecond()
		fmt.Fprintf(w, "%-28s ratio to no-op: p50 %.2fx, p99 %.2fx, loaded p99 %.2fx (%d connections), throughput %.2fx\n", r.Body.Name,
			ratio(ag.P50, noop.P50), p99r, ratio(r.Throughput["argoguard"].P99, r.Throughput["noop"].P99), r.Conns,
			tput/max(r.Throughput["noop"].PerSecond(), 1))
		if p99r > worst && !isRBACObjectBody(r.Body.Name) { // those have a latency target, not a ratio
			worst, worstBody = p99r, r.Body.Name
		}
		if f := ag.Failed() + r.Throughput["argoguard"].Failed(); f > 0 {
			misses = append(misses, fmt.Sprintf("%s: %d requests failed", r.Body.Name, f))
		}
		switch {
		case isRBACObjectBody(r.Body.Name):
			// Rare writes whose analysis searches users (rbac-rule order
			// checks): bounded latency, not the ConfigMaps' throughput.
			if ag.P99 >= 50*time.Millisecond {
				misses = append(misses, fmt.Sprintf("%s: p99 %s (target under 50ms)", r.Body.Name, ms(ag.P99)))
			}
		case strings.HasPrefix(r.Body.Name, "guide ") || r.Body.Name == "argocd-rbac-cm 10 lines":
			if p99r > 1.5 {
				misses = append(misses, fmt.Sprintf("%s: p99 %.2fx the no-op's (target 1.5x)", r.Body.Name, p99r))
			}
			if tput < 2000 {
				misses = append(misses, fmt.Sprintf("%s: %.0f admissions/s (target 2,000)", r.Body.Name, tput))
			}
		case r.Body.Name == "argocd-rbac-cm 10000 lines":
			if ag.P99 >= 50*time.Millisecond {
				misses = append(misses, fmt.Sprintf("%s: p99 %s (target under 50ms)", r.Body.Name, ms(ag.P99)))
			}
		}
	}
	if r := h.hostileRes; r != nil {
		fmt.Fprintf(w, "hostile concurrency: %d reviews of up to %d KB at once, %d rounds: answers %v; slowest %s; "+
			"normal review answered %d times meanwhile, slowest %s; argoguard peak RSS %.1f MiB (limit %d MiB)\n",
			r.Concurrent, maxBytes(h.hostile)>>10, r.Rounds, r.Answers, ms(r.Slowest), r.Normal-r.NormalFailed, ms(r.NormalSlowest),
			float64(h.hostilePeak)/(1<<20), h.memLimit>>20)
		misses = append(misses, r.misses(h.hostilePeak, h.memLimit, apiServerTimeout)...)
	}
	for _, s := range []*server{h.noop, h.argoguard} {
		rss, err := s.peakRSS()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "peak RSS (VmHWM) %-9s %.1f MiB\n", s.Name, float64(rss)/(1<<20))
		if s == h.argoguard && rss >= 100<<20 {
			misses = append(misses, fmt.Sprintf("argoguard peak RSS %.1f MiB (target under 100 MiB)", float64(rss)/(1<<20)))
		}
	}
	if len(misses) == 0 {
		fmt.Fprintln(w, "targets: all met")
	}
	for _, m := range misses {
		fmt.Fprintln(w, "target missed:", m)
	}
	fmt.Fprintf(w, "worst p99 ratio to no-op (ConfigMap bodies): %.2fx (%s)\n", worst, worstBody)
	return nil
}

// hostilePhase runs the hostile-concurrency phase at argoguard (see
// hostile.go), its peak RSS measured from the phase's start.
func (h *harness) hostilePhase(ctx context.Context) error {
	if h.o.hostileRounds <= 0 {
		return nil
	}
	s := h.argoguard
	if err := s.resetPeakRSS(); err != nil {
		fmt.Fprintf(os.Stderr, "load: cannot reset argoguard's peak RSS (%v); the figure includes its start\n", err)
	}
	fmt.Fprintf(os.Stderr, "load: hostile concurrency: %d reviews at once, %d rounds\n", h.o.hostileConns, h.o.hostileRounds)
	r := runHostile(ctx, h.client, s.url("validate"), h.hostile, h.bodies[0], h.o.hostileConns, h.o.hostileRounds)
	select {
	case <-s.done:
		return fmt.Errorf("argoguard exited during the hostile-concurrency phase; log %s:\n%s", s.log, tail(s.log, 20))
	default:
	}
	peak, err := s.peakRSS()
	if err != nil {
		return err
	}
	h.hostileRes, h.hostilePeak = &r, peak
	return nil
}

func maxBytes(bodies []body) int {
	n := 0
	for _, b := range bodies {
		n = max(n, b.Bytes)
	}
	return n
}
