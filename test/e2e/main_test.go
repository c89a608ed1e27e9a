// Package e2e runs argoguard for real: kube-apiserver and etcd (envtest),
// the webhook binary as its own process with the webhook configurations and
// RBAC of deploy/base, and the real kubectl. Every scenario asserts what
// kubectl prints and what the API server stored.
//
// It needs KUBEBUILDER_ASSETS (kube-apiserver, etcd, kubectl: `make
// controlplane`) and ARGOGUARD_BIN (the built webhook: `make build`); `make
// test` and `make e2e` set both. Without them every test skips, saying so.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

var (
	testCluster *cluster.Cluster
	skipReason  string
	repoRoot    string
	workDir     string
	// The guide's settings (enforce), and the same in audit mode.
	enforceSettings, auditSettings string
	// The guide's settings with secrets.read: true.
	secretsSettings string
	currentSettings string
)

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	assets, bin := os.Getenv("KUBEBUILDER_ASSETS"), os.Getenv("ARGOGUARD_BIN")
	if assets == "" || bin == "" {
		skipReason = "KUBEBUILDER_ASSETS and ARGOGUARD_BIN not set: run `make e2e` (or `make test`)"
		return m.Run()
	}
	var err error
	if repoRoot, err = cluster.RepoRoot("."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(repoRoot, p)
	}
	if workDir, err = os.MkdirTemp("", "argoguard-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	guideSettings := filepath.Join(repoRoot, "test/testdata/guide/argoguard-settings.yaml")
	if auditSettings, err = writeAuditSettings(guideSettings, filepath.Join(workDir, "audit-settings")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	// The guide's settings, with the break-glass user fresh() deletes the
	// guarded objects as (enforce mode refuses anyone else, GUARD-001).
	if enforceSettings, err = writeSettingsVariant(guideSettings, filepath.Join(workDir, "enforce-settings"), func(s string) (string, error) {
		return s + "\nbreakGlass:\n  users: [" + cleanupUser + "]\n", nil
	}); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	if secretsSettings, err = writeSettingsVariant(enforceSettings, filepath.Join(workDir, "secrets-settings"), func(s string) (string, error) {
		return s + "\nsecrets:\n  read: true\n", nil
	}); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	ctx := context.Background()
	start := time.Now()
	testCluster, err = cluster.Start(ctx, cluster.Options{
		RepoRoot:         repoRoot,
		AssetsDir:        abs(assets),
		BinDir:           abs(bin),
		WorkDir:          workDir,
		Namespaces:       []string{"argocd", "argo"},
		AsServiceAccount: true,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the control plane:", err)
		return 1
	}
	code := 1
	defer func() {
		if err := testCluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping:", err)
		}
		if code == 0 {
			os.RemoveAll(workDir)
		} else {
			fmt.Fprintln(os.Stderr, "e2e: kept", workDir, "(webhook.log, kubeconfigs, rendered manifests)")
		}
	}()
	if _, err := testCluster.StartWebhook(ctx, enforceSettings); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the webhook:", err)
		return 1
	}
	currentSettings = enforceSettings
	fmt.Fprintf(os.Stderr, "e2e: control plane and webhook up in %s\n", time.Since(start).Round(time.Millisecond))
	code = m.Run()
	return code
}

// writeAuditSettings copies the guide's settings with mode audit (and the
// groups file beside it).
func writeAuditSettings(enforce, dir string) (string, error) {
	return writeSettingsVariant(enforce, dir, func(s string) (string, error) {
		audit := strings.Replace(s, "\nmode: enforce\n", "\nmode: audit\n", 1)
		if audit == s {
			return "", fmt.Errorf("%s has no line `mode: enforce` to switch", enforce)
		}
		return audit, nil
	})
}

// writeSettingsVariant copies the guide's settings, edited, and the groups
// file beside them into dir.
func writeSettingsVariant(enforce, dir string, edit func(string) (string, error)) (string, error) {
	data, err := os.ReadFile(enforce)
	if err != nil {
		return "", err
	}
	audit, err := edit(string(data))
	if err != nil {
		return "", err
	}
	groups, err := os.ReadFile(filepath.Join(filepath.Dir(enforce), "aws-groups.json"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "aws-groups.json"), groups, 0o644); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "settings.yaml")
	return path, os.WriteFile(path, []byte(audit), 0o644)
}

// cleanupUser is the break-glass user of enforceSettings: the only one
// that may delete a guarded object in enforce mode. The scenarios act as
// other users.
const cleanupUser = "argoguard-e2e-cleanup"

// withBreakGlass adds break-glass groups to the settings' breakGlass
// (which names cleanupUser).
func withBreakGlass(s string, groups ...string) (string, error) {
	block := "\nbreakGlass:\n  users: [" + cleanupUser + "]\n"
	if !strings.Contains(s, block) {
		return "", fmt.Errorf("the settings have no breakGlass block naming %s", cleanupUser)
	}
	return strings.Replace(s, block, block+"  groups: ["+strings.Join(groups, ", ")+"]\n", 1), nil
}

// needCluster skips without a control plane and returns the shared one.
func needCluster(t *testing.T) *cluster.Cluster {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	return testCluster
}

// useSettings makes sure the webhook runs with the settings file,
// restarting it if needed; the test's cleanup brings back the guide's
// enforce settings. Restarting (not editing the file) keeps each scenario
// independent of reload timing.
func useSettings(t *testing.T, c *cluster.Cluster, path string) {
	t.Helper()
	if currentSettings == path && c.Webhook() != nil && c.Webhook().Running() {
		return
	}
	if _, err := c.StartWebhook(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	currentSettings = path
	if path != enforceSettings {
		t.Cleanup(func() { useSettings(t, c, enforceSettings) })
	}
}

// fresh starts a scenario: the webhook in enforce mode with the guide's
// settings and none of the guide's objects in the cluster.
func fresh(t *testing.T) *cluster.Cluster {
	t.Helper()
	c := needCluster(t)
	useSettings(t, c, enforceSettings)
	for _, obj := range []struct{ kind, ns, name string }{
		{"configmap", "argocd", "argocd-cm"},
		{"configmap", "argocd", "argocd-rbac-cm"},
		{"configmap", "argo", "workflow-controller-configmap"},
		{"secret", "argocd", "argocd-sso-secret"},
		{"secret", "argo", "argo-workflows-sso"},
	} {
		res := kubectl(t, "delete", obj.kind, obj.name, "-n", obj.ns, "--ignore-not-found", "--as="+cleanupUser, "--as-group=system:masters")
		if res.Err != nil {
			t.Fatalf("clean-up before the scenario failed: %s", res)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("webhook log (last lines):\n%s", c.LogTail(40))
		}
	})
	return c
}

// kubectl runs the real kubectl as cluster admin.
func kubectl(t *testing.T, args ...string) cluster.KubectlResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := needCluster(t).Kubectl(ctx, args...)
	t.Logf("$ kubectl %s  (exit %d)\n%s", strings.Join(args, " "), res.ExitCode, indent(res.Output()))
	return res
}

func indent(s string) string {
	if s == "" {
		return "    (no output)"
	}
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// guide returns the path of a file of test/testdata/guide.
func guide(parts ...string) string {
	return filepath.Join(append([]string{repoRoot, "test/testdata/guide"}, parts...)...)
}

var ruleIDPattern = regexp.MustCompile(`\b(?:RBAC|PROJ|ACD|DEX|WF|WFSA|GUARD)-\d{3}\b`)

// ruleIDs lists the rule IDs in text, sorted, each once.
func ruleIDs(text string) []string {
	seen := map[string]bool{}
	for _, id := range ruleIDPattern.FindAllString(text, -1) {
		seen[id] = true
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// errorFor returns the error kubectl printed for one object: from its
// first line (`Error from server ...` naming it, or, for a denial with field
// causes, `The ConfigMap "<name>" is invalid:`) up to the next error.
func errorFor(res cluster.KubectlResult, name string) string {
	isStart := func(line string) bool {
		return strings.HasPrefix(line, "Error from server") || strings.HasPrefix(line, "error:") ||
			(strings.HasPrefix(line, "The ") && strings.Contains(line, " is invalid"))
	}
	var chunks []string
	var cur []string
	for _, line := range strings.Split(res.Stderr, "\n") {
		if isStart(line) {
			if len(cur) > 0 {
				chunks = append(chunks, strings.Join(cur, "\n"))
			}
			cur = []string{line}
			continue
		}
		if len(cur) > 0 && !strings.HasPrefix(line, "Warning: ") {
			cur = append(cur, line)
		}
	}
	if len(cur) > 0 {
		chunks = append(chunks, strings.Join(cur, "\n"))
	}
	for _, ch := range chunks {
		first, _, _ := strings.Cut(ch, "\n")
		// `The ConfigMap "name" is invalid`, `error when creating ".../name.yaml"`
		// or `ConfigMap ns/name is refused`.
		if strings.Contains(first, `"`+name+`"`) || strings.Contains(first, "/"+name+`.yaml"`) ||
			strings.Contains(first, "/"+name+" ") {
			return ch
		}
	}
	return ""
}

// findingLine reports whether one line of text names the rule, the key
// and the line number (`data["policy.csv"] line 6: RBAC-004` or
// `RBAC-004 ... data["policy.csv"] line 6`).
func findingLine(text, id, key string, line int) bool {
	at := regexp.MustCompile(`\bline ` + strconv.Itoa(line) + `\b`)
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, id) && strings.Contains(l, key) && at.MatchString(l) {
			return true
		}
	}
	return false
}

// requireStoredAsWritten checks that everything the file says is stored:
// a key equal as text, or, for YAML values the mutating webhook filled in
// (dex.config, sso), every field of the file present with its value; and
// that any such change is recorded in the argoguard.io/defaulted annotation.
func requireStoredAsWritten(t *testing.T, file, stored *corev1.ConfigMap) {
	t.Helper()
	changed := false
	for k, v := range file.Data {
		got, ok := stored.Data[k]
		if !ok {
			t.Errorf("%s: data[%q] not stored", file.Name, k)
			continue
		}
		if got == v {
			continue
		}
		changed = true
		var want, have any
		if yaml.Unmarshal([]byte(v), &want) != nil || yaml.Unmarshal([]byte(got), &have) != nil || !contains(have, want) {
			t.Errorf("%s: stored data[%q] lost what the file says:\nfile:\n%s\nstored:\n%s", file.Name, k, v, got)
		}
	}
	if changed && stored.Annotations["argoguard.io/defaulted"] == "" {
		t.Errorf("%s: stored data differs from the file but no argoguard.io/defaulted annotation says why", file.Name)
	}
}

// contains reports whether have holds everything of want (maps: every key
// of want with a contained value; lists: element by element).
func contains(have, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !contains(h[k], v) {
				return false
			}
		}
		return true
	case []any:
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			return false
		}
		for i := range w {
			if !contains(h[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(have, want)
	}
}

// warnings returns the "Warning: ..." lines kubectl printed.
func warnings(res cluster.KubectlResult) []string {
	var out []string
	for _, line := range strings.Split(res.Stderr, "\n") {
		if strings.HasPrefix(line, "Warning: ") {
			out = append(out, strings.TrimPrefix(line, "Warning: "))
		}
	}
	return out
}

// getConfigMap reads a ConfigMap with `kubectl get -o json`; nil when
// kubectl says it is not found.
func getConfigMap(t *testing.T, ns, name string) *corev1.ConfigMap {
	t.Helper()
	res := kubectl(t, "get", "configmap", name, "-n", ns, "-o", "json", "--ignore-not-found")
	if res.Err != nil {
		t.Fatalf("kubectl get failed: %s", res)
	}
	if strings.TrimSpace(res.Stdout) == "" {
		return nil
	}
	var cm corev1.ConfigMap
	if err := json.Unmarshal([]byte(res.Stdout), &cm); err != nil {
		t.Fatalf("kubectl get -o json printed no ConfigMap: %v\n%s", err, res.Stdout)
	}
	return &cm
}

// readConfigMapFile reads a ConfigMap manifest of the guide.
func readConfigMapFile(t *testing.T, path string) *corev1.ConfigMap {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &cm
}

// writeManifest writes obj (a ConfigMap) to a file in the test's temp dir.
func writeManifest(t *testing.T, cm *corev1.ConfigMap) string {
	t.Helper()
	cm.APIVersion, cm.Kind = "v1", "ConfigMap"
	data, err := json.MarshalIndent(cm, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), cm.Name+".json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// requireIDs fails the test unless got holds exactly want.
func requireIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s: rule IDs %v, want %v", what, got, want)
	}
}

// requireContainsIDs fails the test unless every ID of want is in got.
func requireContainsIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, id := range got {
		have[id] = true
	}
	for _, id := range want {
		if !have[id] {
			t.Errorf("%s: rule %s missing; got %v", what, id, got)
		}
	}
}
