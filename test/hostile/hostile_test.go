// Package hostile feeds argoguard's public entry points the inputs an
// attacker or a broken tool would write into the guarded ConfigMaps and the
// settings file: YAML alias bombs, very long lines, invalid UTF-8, deep
// nesting, huge regexes and globs. Each must end with a clear finding or
// error naming the key, in bounded memory; the tests fail on a hang (a
// generous timer, not a timing assertion).
package hostile

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
)

// hangAfter is how long an input may take before the test calls it a hang.
// Far above any real evaluation, even under -race on a busy machine.
const hangAfter = 2 * time.Minute

// maxAlloc bounds the memory one hostile evaluation may allocate in total:
// a quarter of the webhook pod's memory limit, so that a few evaluations at
// once fit. An alias bomb or a quadratic blow-up allocates gigabytes; a
// YAML tree built before its budget is checked, hundreds of MiB.
const maxAlloc = 64 << 20

// bounded runs f, failing the test if it does not return within hangAfter
// or allocates more than maxAlloc bytes.
func bounded(t *testing.T, what string, f func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(hangAfter):
		t.Fatalf("%s: no answer within %s (hang)", what, hangAfter)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
		t.Errorf("%s: allocated %d MiB (bound %d MiB)", what, alloc>>20, maxAlloc>>20)
	}
}

func ref(ns, name string) policy.ObjectRef {
	return policy.ObjectRef{Kind: "ConfigMap", Namespace: ns, Name: name}
}

// snapshot is an admission of one changed guarded ConfigMap with data.
func snapshot(name string, data map[string]string) *policy.Snapshot {
	s := &policy.Snapshot{Settings: settings.Default(), Operation: "CREATE", Now: time.Now()}
	switch name {
	case "argocd-cm":
		s.ArgoCDCM = &policy.Object{Ref: ref("argocd", name), Data: data}
		s.Changed = &s.ArgoCDCM.Ref
	case "argocd-rbac-cm":
		s.RBACCM = &policy.Object{Ref: ref("argocd", name), Data: data}
		s.Changed = &s.RBACCM.Ref
	case "workflow-controller-configmap":
		s.WorkflowsCM = &policy.Object{Ref: ref("argo", name), Data: data}
		s.Changed = &s.WorkflowsCM.Ref
	}
	return s
}

// evaluate runs the whole catalogue, bounded, and returns its findings.
func evaluate(t *testing.T, s *policy.Snapshot) []policy.Finding {
	t.Helper()
	var findings []policy.Finding
	var err error
	bounded(t, "evaluation", func() { findings, err = rules.MustNewRegistry().Evaluate(s) })
	if err != nil {
		t.Fatalf("evaluation failed (a rule panicked or erred): %v", err)
	}
	for _, f := range findings {
		for _, text := range []string{f.Message, f.Detail, f.Fix} {
			if !utf8.ValidString(text) {
				t.Errorf("%s: finding text is not valid UTF-8: %.200q", f.RuleID, text)
			}
			if len(text) > policy.MaxFindingText {
				t.Errorf("%s: finding text of %d bytes repeats the hostile input", f.RuleID, len(text))
			}
		}
	}
	return findings
}

// wantFindingOn fails unless a deny finding points at key of the changed object.
func wantFindingOn(t *testing.T, findings []policy.Finding, key string) {
	t.Helper()
	for _, f := range findings {
		if f.Location.Key == key && f.Action == policy.ActionDeny {
			t.Logf("finding: %.200s", f.Short())
			return
		}
	}
	var got []string
	for _, f := range findings {
		got = append(got, fmt.Sprintf("%s %s %s", f.RuleID, f.Action, f.Location.Key))
	}
	t.Errorf("no deny finding on %s; findings: %v", key, got)
}

// aliasBomb is the "billion laughs" YAML: 9 levels of 9 aliases each, 9^9
// strings once expanded.
func aliasBomb(top string) string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	fmt.Fprintf(&b, "%s: *%s\n", top, prev)
	return b.String()
}

func TestAliasBombInDexConfig(t *testing.T) {
	fs := evaluate(t, snapshot("argocd-cm", map[string]string{
		"url":        "https://argocd.example.com",
		"dex.config": aliasBomb("connectors"),
	}))
	wantFindingOn(t, fs, "dex.config")
}

func TestAliasBombInWorkflowsSSO(t *testing.T) {
	fs := evaluate(t, snapshot("workflow-controller-configmap", map[string]string{
		"sso": aliasBomb("scopes"),
	}))
	wantFindingOn(t, fs, "sso")
}

func TestAliasBombInSettingsFile(t *testing.T) {
	var err error
	bounded(t, "settings.Parse", func() { _, err = settings.Parse([]byte(aliasBomb("adminGroups"))) })
	if err == nil {
		t.Fatal("settings with an alias bomb accepted")
	}
	t.Logf("error: %v", err)
}

func TestDeepNestingInDexConfig(t *testing.T) {
	deep := "connectors: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"
	fs := evaluate(t, snapshot("argocd-cm", map[string]string{"url": "https://argocd.example.com", "dex.config": deep}))
	wantFindingOn(t, fs, "dex.config")
}

func TestDeepNestingInWorkflowsSSO(t *testing.T) {
	deep := strings.Repeat("a:\n", 1) + strings.Repeat("{b: ", 100000) + strings.Repeat("}", 100000) + "\n"
	fs := evaluate(t, snapshot("workflow-controller-configmap", map[string]string{"sso": deep}))
	wantFindingOn(t, fs, "sso")
}

func TestInvalidUTF8InDexConfig(t *testing.T) {
	fs := evaluate(t, snapshot("argocd-cm", map[string]string{
		"url":        "https://argocd.example.com",
		"dex.config": "connectors:\n- type: saml\n  id: \xff\xfe\n  name: \xc3\x28\n",
	}))
	wantFindingOn(t, fs, "dex.config")
}

func TestInvalidUTF8InPolicyCSV(t *testing.T) {
	evaluate(t, snapshot("argocd-rbac-cm", map[string]string{
		"policy.csv": "p, role:\xff\xfe, applications, get, */*, allow\ng, \xc3\x28, role:\xff\xfe\n",
	}))
}

func TestVeryLongLineInPolicyCSV(t *testing.T) {
	// One line of 1 MiB without a separator: not a policy line.
	fs := evaluate(t, snapshot("argocd-rbac-cm", map[string]string{
		"policy.csv": "p" + strings.Repeat("x", 1<<20) + "\n",
	}))
	wantFindingOn(t, fs, "policy.csv")
}

func TestVeryLongLineInDexConfig(t *testing.T) {
	fs := evaluate(t, snapshot("argocd-cm", map[string]string{
		"url":        "https://argocd.example.com",
		"dex.config": "connectors: " + strings.Repeat("x", 1<<20) + "\n",
	}))
	wantFindingOn(t, fs, "dex.config")
}

func TestManyLongLinesInPolicyCSV(t *testing.T) {
	// 2,000 lines with 500-character objects: 1 MiB of policy, the size
	// limit of a ConfigMap.
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "p, role:r%d, applications, get, %s/*, allow\n", i, strings.Repeat("p", 500))
	}
	evaluate(t, snapshot("argocd-rbac-cm", map[string]string{"policy.csv": b.String()}))
}

func TestHugeGlobsInPolicyCSV(t *testing.T) {
	// Globs built to make a backtracking matcher explode: many stars with
	// a literal that never closes the match, on many lines, so rules that
	// compare lines with each other meet them pairwise.
	star := strings.Repeat("*a", 2000) + "b"
	var b strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "p, role:r%d, applications, get, %s/%s, allow\n", i, star, star)
		fmt.Fprintf(&b, "g, %s, role:r%d\n", star, i)
	}
	evaluate(t, snapshot("argocd-rbac-cm", map[string]string{"policy.csv": b.String()}))
}

func TestHugeRegexesInPolicyCSV(t *testing.T) {
	// In regex match mode: a nested-quantifier pattern (catastrophic for a
	// backtracking engine), and one too large to compile.
	nested := strings.Repeat("(a+)+", 200) + "b"
	tooLarge := strings.Repeat("(x{1000}){1000}", 10)
	fs := evaluate(t, snapshot("argocd-rbac-cm", map[string]string{
		"policy.matchMode": "regex",
		"policy.csv": fmt.Sprintf("p, role:a, applications, get, %s, allow\np, role:b, applications, get, %s, allow\ng, %s, role:a\n",
			nested, tooLarge, strings.Repeat("a", 5000)),
	}))
	wantFindingOn(t, fs, "policy.csv")
}

// flowList is a dex.config of about 900 KB whose connectors are one flow
// list: far more nodes than the budget, cheap to write.
func flowList() string {
	return "connectors: [" + strings.Repeat("a,", 450_000) + "a]\n"
}

func TestLargeFlowListInDexConfig(t *testing.T) {
	fs := evaluate(t, snapshot("argocd-cm", map[string]string{
		"url":        "https://argocd.example.com",
		"dex.config": flowList(),
	}))
	wantFindingOn(t, fs, "dex.config")
}

func TestLargeFlowListInWorkflowsSSO(t *testing.T) {
	fs := evaluate(t, snapshot("workflow-controller-configmap", map[string]string{
		"sso": "scopes: [" + strings.Repeat("a,", 450_000) + "a]\n",
	}))
	wantFindingOn(t, fs, "sso")
}

// TestLargeFlowListReadByRBACRules: the RBAC rules that look at dex.config
// (the SAML NameID format decides whether e-mail subjects match) read the
// one budgeted parse, not a second unbudgeted one.
func TestLargeFlowListReadByRBACRules(t *testing.T) {
	s := snapshot("argocd-rbac-cm", map[string]string{
		"policy.csv": "g, alice@example.com, role:readonly\n",
		"scopes":     "[groups]",
	})
	s.ArgoCDCM = &policy.Object{Ref: ref("argocd", "argocd-cm"), Data: map[string]string{
		"url":        "https://argocd.example.com",
		"dex.config": flowList(),
	}}
	evaluate(t, s)
}

func TestLargeFlowListInScopes(t *testing.T) {
	fs := evaluate(t, snapshot("argocd-rbac-cm", map[string]string{
		"policy.csv": "g, alice@example.com, role:readonly\n",
		"scopes":     "[" + strings.Repeat("a,", 450_000) + "a]",
	}))
	wantFindingOn(t, fs, "scopes")
}
