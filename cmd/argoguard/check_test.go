package main

// `argoguard check` on the guide's configuration must print exactly the
// findings of test/testdata/guide/expected-findings.md and exit as
// documented.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/internal/guidetest"
)

// now is a fixed day on which the guide's IdP certificate is valid.
const now = "2026-11-29T12:00:00Z"

type result struct {
	stdout, stderr string
	code           int
}

// cli runs one argoguard command line in-process.
func cli(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	out, errOut, code := argoguard(t, stdin, args...)
	return result{out, errOut, code}
}

type finding struct {
	Rule     string `json:"rule"`
	Action   string `json:"action"`
	Message  string `json:"message"`
	Location struct {
		Object struct {
			Name string `json:"name"`
		} `json:"object"`
		Key      string `json:"key"`
		Line     int    `json:"line"`
		File     string `json:"file"`
		FileLine int    `json:"fileLine"`
	} `json:"location"`
}

type checkReport struct {
	Findings []finding `json:"findings"`
	Summary  struct {
		Deny, Warn, Audit int
		Denied            bool
	} `json:"summary"`
}

func checkJSON(t *testing.T, stdin string, args ...string) (checkReport, result) {
	t.Helper()
	r := cli(t, stdin, append([]string{"check", "--settings", guideSettings, "--now", now, "-o", "json"}, args...)...)
	var rep checkReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return rep, r
}

// byObject summarises findings as object -> "RULE action line" sorted.
func byObject(rep checkReport) map[string][]string {
	out := map[string][]string{}
	for _, f := range rep.Findings {
		key := f.Location.Object.Name
		out[key] = append(out[key], f.Rule+" "+f.Action+" "+itoa(f.Location.Line))
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// ruleLines gives the lines a rule reports on one object.
func ruleLines(rep checkReport, obj, rule string) []int {
	var out []int
	for _, f := range rep.Findings {
		if f.Location.Object.Name == obj && f.Rule == rule {
			out = append(out, f.Location.Line)
		}
	}
	sort.Ints(out)
	return out
}

func rulesOn(rep checkReport, obj string) []string {
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Location.Object.Name == obj {
			seen[f.Rule] = true
		}
	}
	var out []string
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func eq(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// expectGuideAsWritten asserts expected-findings.md for as-written/; wf is
// the Workflows rule set (it changes when the Secret is copied).
func expectGuideAsWritten(t *testing.T, rep checkReport, wf []string) {
	t.Helper()
	if got := rulesOn(rep, "argocd-cm"); !eq(got, []string{"ACD-005", "ACD-009"}) {
		t.Errorf("argocd-cm rules %v", got)
	}
	if got := rulesOn(rep, "argocd-rbac-cm"); !eq(got, []string{"RBAC-004", "RBAC-007", "RBAC-014"}) {
		t.Errorf("argocd-rbac-cm rules %v", got)
	}
	if got := ruleLines(rep, "argocd-rbac-cm", "RBAC-007"); !eq(got, []int{1, 4, 5}) {
		t.Errorf("RBAC-007 lines %v, want 1 4 5", got)
	}
	if got := ruleLines(rep, "argocd-rbac-cm", "RBAC-004"); !eq(got, []int{6}) {
		t.Errorf("RBAC-004 lines %v, want 6", got)
	}
	if got := rulesOn(rep, "workflow-controller-configmap"); !eq(got, wf) {
		t.Errorf("workflow-controller-configmap rules %v, want %v", got, wf)
	}
	for _, f := range rep.Findings {
		want := map[string]string{"ACD-005": "warn", "ACD-009": "warn", "RBAC-004": "deny", "RBAC-007": "deny",
			"RBAC-014": "audit", "WF-003": "deny", "WF-004": "deny", "WF-005": "deny", "WF-006": "warn", "WF-010": "deny"}[f.Rule]
		if f.Action != want {
			t.Errorf("%s on %s: action %s, want %s", f.Rule, f.Location.Object.Name, f.Action, want)
		}
		if f.Location.File == "" || f.Location.FileLine == 0 {
			t.Errorf("%s has no file line: %+v", f.Rule, f.Location)
		}
	}
}

func TestGuideAsWritten(t *testing.T) {
	rep, r := checkJSON(t, "", filepath.Join(guideDir, "as-written"))
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (denied); stderr: %s", r.code, r.stderr)
	}
	expectGuideAsWritten(t, rep, []string{"WF-003", "WF-004", "WF-005", "WF-006"})
	if !rep.Summary.Denied || rep.Summary.Deny == 0 {
		t.Errorf("summary %+v", rep.Summary)
	}
}

func TestGuideAsWrittenText(t *testing.T) {
	r := cli(t, "", "check", filepath.Join(guideDir, "as-written"), "--settings", guideSettings, "--now", now)
	if r.code != 1 {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	rbacFile := filepath.Join(guideDir, "as-written", "argocd-rbac-cm.yaml")
	for _, want := range []string{
		"ConfigMap argocd/argocd-rbac-cm (" + rbacFile + "): denied",
		`DENY   high      RBAC-007  data["policy.csv"] line 1 (` + rbacFile + `:12)`,
		"fix: write g, 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01, role:admin",
		"ConfigMap argocd/argocd-cm (" + filepath.Join(guideDir, "as-written", "argocd-cm.yaml") + "): allowed with warnings",
		`WF-003    data["sso"] redirectUrl (line 8)`,
		"fix: set redirectUrl: https://workflows.example.com/oauth2/callback",
		"would be DENIED",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, r.stdout)
		}
	}
	// Objects are grouped, most severe first within each.
	deny := strings.Index(r.stdout, "RBAC-007")
	audit := strings.Index(r.stdout, "RBAC-014")
	if deny < 0 || audit < 0 || deny > audit {
		t.Errorf("deny findings must come before audit ones")
	}
}

func TestGuideFixedPasses(t *testing.T) {
	rep, r := checkJSON(t, "", filepath.Join(guideDir, "fixed"))
	if r.code != 0 {
		t.Errorf("exit %d, want 0; stderr %s", r.code, r.stderr)
	}
	for _, f := range rep.Findings {
		if f.Action != "audit" {
			t.Errorf("fixed/: %s %s on %s: %s", f.Rule, f.Action, f.Location.Object.Name, f.Message)
		}
	}
	r = cli(t, "", "check", filepath.Join(guideDir, "fixed"), "--settings", guideSettings, "--now", now, "--fail-on", "warn")
	if r.code != 0 {
		t.Errorf("--fail-on warn on fixed/: exit %d", r.code)
	}
}

// The guide's advice, copying argocd-sso-secret into argo, swaps WF-005 for
// WF-010: its client-id is the IdP's SAML URL.
func TestGuideSecretCopied(t *testing.T) {
	dir := guidetest.SecretCopied(t, "argo-copy.yaml")
	rep, r := checkJSON(t, "", dir)
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	expectGuideAsWritten(t, rep, []string{"WF-003", "WF-004", "WF-006", "WF-010"})
	text := cli(t, "", "check", dir, "--settings", guideSettings, "--now", now)
	for _, secret := range []string{"some-random-secure-string", "MzQ1Njc4OTAxMjM0X2lucy0xYTJiM2M0ZDVlNmY3Zzhh"} {
		if strings.Contains(text.stdout+text.stderr, secret) || strings.Contains(r.stdout, secret) {
			t.Errorf("output shows a secret value (%s)", secret)
		}
	}
}

// `kustomize build . | argoguard check -`: one stream of documents.
func TestStdinStream(t *testing.T) {
	var stream strings.Builder
	files, _ := filepath.Glob(filepath.Join(guideDir, "as-written", "*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stream.WriteString("---\n")
		stream.Write(b)
	}
	stream.WriteString("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: argocd-server, namespace: argocd}\n")
	rep, r := checkJSON(t, stream.String(), "-")
	if r.code != 1 {
		t.Errorf("exit %d; stderr %s", r.code, r.stderr)
	}
	expectGuideAsWritten(t, rep, []string{"WF-003", "WF-004", "WF-005", "WF-006"})
	for _, f := range rep.Findings {
		if f.Location.File != "<stdin>" {
			t.Errorf("file %q, want <stdin>", f.Location.File)
		}
	}
	dirRep, _ := checkJSON(t, "", filepath.Join(guideDir, "as-written"))
	if !eq(byObject(rep), byObject(dirRep)) {
		t.Errorf("stdin and folder disagree:\n%v\n%v", byObject(rep), byObject(dirRep))
	}
}

func TestApplyDefaults(t *testing.T) {
	r := cli(t, "", "check", filepath.Join(guideDir, "fixed"), "--settings", guideSettings, "--now", now, "--apply-defaults")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	dec := yaml.NewDecoder(strings.NewReader(r.stdout))
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			break
		}
		docs = append(docs, d)
	}
	if len(docs) != 3 {
		t.Fatalf("%d documents printed, want 3:\n%s", len(docs), r.stdout)
	}
	if !strings.Contains(r.stdout, "argoguard.io/defaulted: dex.config:connectors[0].config.nameIDPolicyFormat") ||
		!strings.Contains(r.stdout, "nameIDPolicyFormat: persistent") || !strings.Contains(r.stdout, "policy.matchMode: glob") {
		t.Errorf("defaults missing from output:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "nameIDPolicyFormat set to persistent") {
		t.Errorf("stderr does not say what was filled in:\n%s", r.stderr)
	}
	// The defaulted objects pass, and defaulting them again changes nothing.
	again := cli(t, r.stdout, "check", "-", "--settings", guideSettings, "--now", now, "--apply-defaults")
	if again.code != 0 || !strings.Contains(again.stderr, "nothing to fill in") {
		t.Errorf("second --apply-defaults: exit %d, stderr %s", again.code, again.stderr)
	}
	if again.stdout != r.stdout {
		t.Errorf("second --apply-defaults changed the objects")
	}
}

func TestUnusableInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n data: [\n"), 0o600)
	boolData := filepath.Join(dir, "bool.yaml")
	os.WriteFile(boolData, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm, namespace: argocd}\ndata:\n  admin.enabled: false\n"), 0o600)
	badSettings := filepath.Join(dir, "settings.yaml")
	os.WriteFile(badSettings, []byte("mode: strict\n"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"invalid YAML", []string{"check", bad}, bad + ":"},
		{"non-string data", []string{"check", boolData}, `data["admin.enabled"] is a boolean`},
		{"missing file", []string{"check", filepath.Join(dir, "nope.yaml")}, "no such file"},
		{"nothing guarded", []string{"check", filepath.Join(guideDir, "aws-groups.json")}, "no guarded ConfigMap"},
		{"bad settings", []string{"check", filepath.Join(guideDir, "fixed"), "--settings", badSettings}, "mode"},
		{"bad output", []string{"check", filepath.Join(guideDir, "fixed"), "-o", "xml"}, "--output"},
		{"duplicate object", []string{"check", filepath.Join(guideDir, "fixed"), filepath.Join(guideDir, "fixed", "argocd-cm.yaml")}, "given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.want)
			}
		})
	}
}

// Warnings fail the run only with --fail-on warn.
func TestFailOnWarn(t *testing.T) {
	cm := filepath.Join(guideDir, "as-written", "argocd-cm.yaml")
	if r := cli(t, "", "check", cm, "--settings", guideSettings, "--now", now); r.code != 0 {
		t.Errorf("argocd-cm alone has only warnings: exit %d", r.code)
	}
	if r := cli(t, "", "check", cm, "--settings", guideSettings, "--now", now, "--fail-on", "warn"); r.code != 1 {
		t.Errorf("--fail-on warn: exit %d, want 1", r.code)
	}
}

// In audit mode nothing is denied: deny findings are reported as warnings.
func TestAuditModeDeniesNothing(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile(guideSettings)
	if err != nil {
		t.Fatal(err)
	}
	audit := strings.Replace(string(raw), "mode: enforce", "mode: audit", 1)
	audit = strings.Replace(audit, "groupsFile: aws-groups.json", "groupsFile: "+filepath.Join(mustAbs(t, guideDir), "aws-groups.json"), 1)
	auditSettings := filepath.Join(dir, "settings.yaml")
	if err := os.WriteFile(auditSettings, []byte(audit), 0o600); err != nil {
		t.Fatal(err)
	}
	asWritten := filepath.Join(guideDir, "as-written")
	r := cli(t, "", "check", asWritten, "--settings", auditSettings, "--now", now)
	if r.code != 0 || !strings.Contains(r.stdout, "(audit mode): 0 deny") || strings.Contains(r.stdout, "  DENY ") {
		t.Errorf("audit mode: exit %d\n%s", r.code, r.stdout)
	}
	if r := cli(t, "", "check", asWritten, "--settings", auditSettings, "--now", now, "--fail-on", "warn"); r.code != 1 {
		t.Errorf("audit mode with --fail-on warn: exit %d, want 1", r.code)
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
