// Command load is argoguard's load test (`make bench`). In one run it
// starts a kube-apiserver and etcd (envtest) holding the guide's fixed
// configuration, argoguard's real webhook binary against it, and a no-op
// controller-runtime webhook with the same TLS setup; both servers are
// pinned to the same cores, the load generator (wrk) to the others. Each
// AdmissionReview body (the guide's three ConfigMaps, argocd-rbac-cm with
// 10, 1,000 and 10,000 policy lines) is first sent once and its answer
// checked, then driven at both servers twice:
//
//   - latency: one connection, one request after the other, for
//     -latency-duration: p50 and p99 of the time per admission, with no
//     queueing in the figures;
//   - throughput: -conns connections for -duration: admissions per second
//     and p99 at saturation.
//
// Before those, the hostile-concurrency phase (hostile.go) sends
// -hostile-conns reviews of about 900 KB built to cost memory at once,
// -hostile-rounds times, with a normal review sent meanwhile: argoguard's
// peak RSS in that phase against the Deployment's memory limit, and the
// slowest answers against the API server's timeout.
//
// It prints the table, argoguard's ratio to the no-op per body, the peak
// RSS (VmHWM) of both processes, the hostile phase's figures, the targets
// met or missed, and, last, the worst p99 ratio. All traffic goes to 127.0.0.1; every run is bounded in
// time.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

type options struct {
	webhookBin, noopBin, wrkBin string
	assets, guideDir, workDir   string
	serverCPUs, loadgenCPUs     string
	conns                       int
	duration, latencyDuration   time.Duration
	keep                        bool
	pprofAddr                   string
	deployment                  string
	only                        *regexp.Regexp
	hostileConns, hostileRounds int
}

func main() {
	var o options
	flag.StringVar(&o.webhookBin, "webhook", "bin/webhook", "argoguard's webhook binary")
	flag.StringVar(&o.noopBin, "noop", "bin/load-noop", "the no-op webhook binary (go build ./test/load/noop)")
	flag.StringVar(&o.wrkBin, "wrk", "wrk", "the wrk load generator (Debian: apt-get install wrk)")
	flag.StringVar(&o.assets, "assets", envOr("KUBEBUILDER_ASSETS", "bin/k8s/v1.37.2"), "kube-apiserver and etcd (hack/build-controlplane.sh)")
	flag.StringVar(&o.guideDir, "guide", "test/testdata/guide", "the guide's configuration")
	flag.StringVar(&o.workDir, "workdir", "", "folder for certificates, bodies and logs (default: a new temporary folder)")
	flag.StringVar(&o.serverCPUs, "server-cpus", "1", "cores both webhook servers are pinned to (taskset -c)")
	flag.StringVar(&o.loadgenCPUs, "loadgen-cpus", "0", "cores wrk is pinned to")
	flag.IntVar(&o.conns, "conns", 8, "connections of the throughput phase")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "length of each throughput phase")
	flag.DurationVar(&o.latencyDuration, "latency-duration", 3*time.Second, "length of each one-connection latency phase")
	flag.BoolVar(&o.keep, "keep", false, "keep the work folder (logs, bodies) after the run")
	flag.StringVar(&o.deployment, "deployment", "deploy/base/deployment.yaml", `run argoguard with the Go runtime settings (GOMEMLIMIT, GOGC) of this Deployment's container ("" for none)`)
	flag.StringVar(&o.pprofAddr, "pprof", "", "serve argoguard's /debug/pprof/ on this address (e.g. 127.0.0.1:6060) to profile it under load")
	flag.IntVar(&o.hostileConns, "hostile-conns", 8, "hostile reviews sent at once in the hostile-concurrency phase")
	flag.IntVar(&o.hostileRounds, "hostile-rounds", 3, "rounds of the hostile-concurrency phase (0 skips it)")
	only := flag.String("only", "", "measure only the bodies whose name matches this regular expression")
	flag.Parse()
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: -only:", err)
			os.Exit(2)
		}
		o.only = re
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The whole run is bounded: 12 phases of at most ~duration each, the
	// control plane's start, and slack for a loaded machine.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute+12*(o.duration+o.latencyDuration))
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, o options) error {
	for _, p := range []*string{&o.webhookBin, &o.noopBin, &o.assets, &o.guideDir} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	for _, bin := range []string{o.webhookBin, o.noopBin} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("%w (run `make build` and `go build -o bin/load-noop ./test/load/noop`, or `make bench`)", err)
		}
	}
	if _, err := lookPath(o.wrkBin); err != nil {
		return fmt.Errorf("wrk not found (Debian: apt-get install -y wrk): %w", err)
	}
	if o.workDir == "" {
		dir, err := os.MkdirTemp("", "argoguard-load-")
		if err != nil {
			return err
		}
		o.workDir = dir
		if !o.keep {
			defer os.RemoveAll(dir)
		} else {
			fmt.Fprintln(os.Stderr, "load: work folder (kept):", dir)
		}
	}
	h, err := newHarness(ctx, o)
	if err != nil {
		return err
	}
	defer h.stop()
	if err := h.hostilePhase(ctx); err != nil {
		return err
	}
	rows, err := h.measure(ctx)
	if err != nil {
		return err
	}
	return h.report(os.Stdout, rows)
}
