package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run measured.
type wrkResult struct {
	Requests     int64
	Duration     time.Duration
	P50, P99     time.Duration
	Max          time.Duration
	Non2xx       int64
	SocketErrors int64
	Timeouts     int64
}

// PerSecond is the throughput of the run.
func (r wrkResult) PerSecond() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Duration.Seconds()
}

// Failed counts requests that got no 2xx answer.
func (r wrkResult) Failed() int64 { return r.Non2xx + r.SocketErrors + r.Timeouts }

// runWrk POSTs the body file to url for d with conns connections (one
// thread per connection, at most threads), pinned to cpus.
func runWrk(ctx context.Context, wrkBin, script, cpus, bodyFile, url string, conns, threads int, d time.Duration) (wrkResult, error) {
	if threads > conns {
		threads = conns
	}
	args := []string{"-c", cpus, wrkBin,
		"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", fmt.Sprintf("%ds", int(d.Seconds())),
		"--timeout", "10s", "-s", script, url}
	cmd := exec.CommandContext(ctx, "taskset", args...)
	cmd.Env = append(os.Environ(), "BODY_FILE="+bodyFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v: %s%s", strings.Join(args[2:], " "), err, stdout.String(), stderr.String())
	}
	return parseWrk(stdout.String())
}

// parseWrk reads the RESULT line post.lua prints.
func parseWrk(out string) (wrkResult, error) {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "RESULT ")
		if !ok {
			continue
		}
		v := map[string]int64{}
		for _, kv := range strings.Fields(rest) {
			k, val, _ := strings.Cut(kv, "=")
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return wrkResult{}, fmt.Errorf("wrk output %q: %w", line, err)
			}
			v[k] = n
		}
		us := func(k string) time.Duration { return time.Duration(v[k]) * time.Microsecond }
		return wrkResult{Requests: v["requests"], Duration: us("duration_us"), P50: us("p50_us"), P99: us("p99_us"),
			Max: us("max_us"), Non2xx: v["non2xx"], SocketErrors: v["socket_errors"], Timeouts: v["timeouts"]}, nil
	}
	return wrkResult{}, fmt.Errorf("wrk printed no RESULT line:\n%s", out)
}
