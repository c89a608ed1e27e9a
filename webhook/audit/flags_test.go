package audit

import (
	"flag"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/webhook"
)

// The webhook's command line reaches the controller: --report-format,
// --audit-resync and --audit-poll-interval, and a bad format is refused.
func TestBindFlags(t *testing.T) {
	defer func(saved Options) { flagOptions = saved }(flagOptions)
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	BindFlags(fs)
	if err := fs.Parse([]string{"--report-format=openreports", "--audit-resync=30m", "--audit-poll-interval=2s"}); err != nil {
		t.Fatal(err)
	}
	want := Options{ReportFormat: report.FormatOpenReports, Resync: 30 * time.Minute, Poll: 2 * time.Second}
	if flagOptions != want {
		t.Fatalf("options %+v, want %+v", flagOptions, want)
	}
	if _, err := New(webhook.Deps{Log: logr.Discard()}, nil, nil, nil, flagOptions); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--report-format=policyreports"}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(webhook.Deps{Log: logr.Discard()}, nil, nil, nil, flagOptions); err == nil {
		t.Error("--report-format=policyreports (a typo) accepted")
	}
	if d := DefaultOptions(); d.ReportFormat != report.FormatPolicyReport || d.Resync != time.Hour {
		t.Errorf("defaults %+v: want policyreport and a 1h resync", d)
	}
}
