package report_test

// Reading the guide's manifests for the tests: the ConfigMaps and Secrets of
// test/testdata/guide, with file lines, as the CLI reads them.

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

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

// loadObject reads one ConfigMap or Secret manifest (path relative to the
// repository root), recording the file line of each data key's value.
func loadObject(t testing.TB, rel string) *policy.Object {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name      string            `json:"name"`
			Namespace string            `json:"namespace"`
			Labels    map[string]string `json:"labels"`
		} `json:"metadata"`
		Data       map[string]string `json:"data"`
		StringData map[string]string `json:"stringData"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	data := map[string]string{}
	for k, v := range m.Data {
		data[k] = v
	}
	for k, v := range m.StringData {
		data[k] = v
	}
	return &policy.Object{
		Ref:    policy.ObjectRef{Kind: m.Kind, Namespace: m.Metadata.Namespace, Name: m.Metadata.Name},
		Labels: m.Metadata.Labels,
		Data:   data,
		Source: &policy.Source{File: rel, KeyLines: keyLines(raw), Line: 1},
	}
}

func keyLines(raw []byte) map[string]int {
	out := map[string]int{}
	var doc yamlv3.Node
	if yamlv3.Unmarshal(raw, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k != "data" && k != "stringData" {
			continue
		}
		data := root.Content[i+1]
		for j := 0; j+1 < len(data.Content); j += 2 {
			v := data.Content[j+1]
			line := v.Line
			if v.Style&(yamlv3.LiteralStyle|yamlv3.FoldedStyle) != 0 {
				line++
			}
			out[data.Content[j].Value] = line
		}
	}
	return out
}

// guideSnapshot reads every manifest of the guide's sub-folder (as-written
// or fixed) with the guide's settings.
func guideSnapshot(t testing.TB, variant string) *policy.Snapshot {
	t.Helper()
	set, err := settingsfile.Load(filepath.Join(repoRoot, guideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	snap := &policy.Snapshot{Settings: set, Now: fixedClock, SecretsKnown: true}
	files, err := filepath.Glob(filepath.Join(repoRoot, guideDir, variant, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s/%s: %v", guideDir, variant, err)
	}
	sort.Strings(files)
	for _, f := range files {
		rel, _ := filepath.Rel(repoRoot, f)
		o := loadObject(t, filepath.ToSlash(rel))
		switch {
		case o.Ref.Kind == "Secret":
			snap.Secrets = append(snap.Secrets, o)
		case o.Ref.Name == set.ArgoCD.ConfigMap:
			snap.ArgoCDCM = o
		case o.Ref.Name == set.ArgoCD.RBACConfigMap:
			snap.RBACCM = o
		case o.Ref.Name == set.Workflows.ConfigMap:
			snap.WorkflowsCM = o
		default:
			t.Fatalf("%s: not a guarded object", rel)
		}
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
