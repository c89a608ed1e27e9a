package report_test

// Reading the guide's manifests for the tests: the ConfigMaps and Secrets of
// test/testdata/guide, with file lines, as the CLI reads them.

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

// repoRoot is where file paths in the golden files are relative to.
const repoRoot = "../.."

// guideDir is the guide's folder, relative to the repository root.
const guideDir = "test/testdata/guide"

// fixedClock is the report time of every test that shows one.
var fixedClock = time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)

// loadObject reads one ConfigMap manifest (path relative to the repository
// root), as the CLI reads it, its file path relative to the root.
func loadObject(t testing.TB, rel string) *policy.Object {
	t.Helper()
	o, err := manifest.ReadConfigMap(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := manifest.RelativeTo(repoRoot, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// guideSnapshot reads every manifest of the guide's sub-folder (as-written
// or fixed) and of the same sub-folder of sso-rbac (AppProject and Workflows
// ServiceAccounts) with the guide's settings, as the CLI reads them.
func guideSnapshot(t testing.TB, variant string) *policy.Snapshot {
	t.Helper()
	set, err := settingsfile.Load(filepath.Join(repoRoot, guideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := manifest.Load(set, nil, filepath.Join(repoRoot, guideDir, variant), filepath.Join(repoRoot, guideDir, "sso-rbac", variant))
	if err != nil {
		t.Fatal(err)
	}
	snap := ms.Snapshot(set, fixedClock)
	objs := append(append(append(snap.Objects(), snap.Secrets...), snap.Projects...), snap.ServiceAccounts...)
	if err := manifest.RelativeTo(repoRoot, objs...); err != nil {
		t.Fatal(err)
	}
	return snap
}

// guideReport evaluates the guide's variant and builds its report.
func guideReport(t testing.TB, variant string, baseline *policy.Object, now time.Time) *report.Report {
	t.Helper()
	snap := guideSnapshot(t, variant)
	findings, err := rules.MustNewRegistry().Evaluate(snap)
	if err != nil {
		t.Fatal(err)
	}
	return report.Build(report.Input{
		Snapshot: snap, Findings: findings, Rules: rules.MustNewRegistry().Rules(), Baseline: baseline, Now: now,
	})
}
