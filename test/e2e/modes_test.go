package e2e

import (
	"sort"
	"strings"
	"testing"
)

// Audit mode (the guide's settings with mode: audit): nothing is denied,
// everything is stored, and every finding of expected-findings.md comes
// back as a kubectl warning, audit-action ones included.
func TestAuditModeAcceptsWithWarnings(t *testing.T) {
	c := fresh(t)
	useSettings(t, c, auditSettings)
	expected, _ := expectedFindings(t)

	res := kubectl(t, "apply", "-f", guide("as-written"))
	if res.Err != nil {
		t.Fatalf("audit mode denied something: %s", res)
	}
	if strings.Contains(res.Stderr, "denied the request") {
		t.Errorf("audit mode printed a denial")
	}
	var want, warned []string
	for _, obj := range guideObjects {
		want = append(want, visible(t, expected[obj.name], true, false)...)
		stored := getConfigMap(t, obj.ns, obj.name)
		if stored == nil {
			t.Fatalf("%s not stored in audit mode", obj.name)
		}
		// Audit mode applies no defaults (the guide's settings do not ask
		// for defaults.inAudit): stored exactly as written.
		file := readConfigMapFile(t, guide("as-written", obj.file))
		for k, v := range file.Data {
			if stored.Data[k] != v {
				t.Errorf("%s: audit mode changed data[%q]", obj.name, k)
			}
		}
	}
	for _, w := range warnings(res) {
		warned = append(warned, ruleIDs(w)...)
	}
	sort.Strings(warned)
	requireIDs(t, "audit-mode warnings", uniq(warned), uniq(want))
}

func uniq(ids []string) []string {
	sort.Strings(ids)
	var out []string
	for i, id := range ids {
		if i == 0 || ids[i-1] != id {
			out = append(out, id)
		}
	}
	return out
}

// A broken live object (stored while argoguard was in audit mode) can be
// repaired one change at a time in enforce mode: problems the live object
// already has are downgraded to warnings, new ones are still denied.
func TestBrokenLiveObjectIsRepairedStepByStep(t *testing.T) {
	c := fresh(t)
	path := guide("as-written", "argocd-rbac-cm.yaml")
	useSettings(t, c, auditSettings)
	if res := kubectl(t, "apply", "-f", path); res.Err != nil {
		t.Fatalf("storing the broken object in audit mode failed: %s", res)
	}
	useSettings(t, c, enforceSettings)
	broken := readConfigMapFile(t, path)
	const adminLine = `g, "argocd-admins", role:admin`
	if !strings.Contains(broken.Data["policy.csv"], adminLine) || !strings.Contains(broken.Data["policy.csv"], ", /*,") {
		t.Fatalf("the guide's argocd-rbac-cm changed; this test edits %q and \", /*,\"", adminLine)
	}

	// Step 1: only the group subject is fixed (RBAC-004). The `/*` objects
	// (RBAC-007) were there before: a warning now, not a denial.
	step1 := broken.DeepCopy()
	step1.Data["policy.csv"] = strings.Replace(step1.Data["policy.csv"], adminLine, `g, "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01", role:admin`, 1)
	res := kubectl(t, "apply", "-f", writeManifest(t, step1))
	if res.Err != nil {
		t.Fatalf("step 1 (a partial fix) was denied: %s", res)
	}
	var warned []string
	for _, w := range warnings(res) {
		warned = append(warned, ruleIDs(w)...)
	}
	requireContainsIDs(t, "step 1 warnings", warned, "RBAC-007")
	if got := getConfigMap(t, "argocd", "argocd-rbac-cm").Data["policy.csv"]; got != step1.Data["policy.csv"] {
		t.Errorf("step 1 not stored; policy.csv is\n%s", got)
	}

	// Step 2: fixing the rest while adding a new problem (every user an
	// admin, RBAC-002) is denied, and the stored object stays at step 1.
	step2 := step1.DeepCopy()
	step2.Data["policy.csv"] = strings.ReplaceAll(step2.Data["policy.csv"], ", /*,", ", */*,")
	step2.Data["policy.default"] = "role:admin"
	res = kubectl(t, "apply", "-f", writeManifest(t, step2))
	if res.ExitCode == 0 {
		t.Fatalf("step 2 (a new problem) was allowed")
	}
	requireContainsIDs(t, "step 2 denial", ruleIDs(res.Stderr), "RBAC-002")
	stored := getConfigMap(t, "argocd", "argocd-rbac-cm")
	if stored.Data["policy.default"] != "role:readonly" || stored.Data["policy.csv"] != step1.Data["policy.csv"] {
		t.Errorf("the denied step 2 changed the stored object: %v", stored.Data)
	}

	// Step 3: the remaining fix alone goes through, with no RBAC warning left.
	step3 := step1.DeepCopy()
	step3.Data["policy.csv"] = strings.ReplaceAll(step3.Data["policy.csv"], ", /*,", ", */*,")
	res = kubectl(t, "apply", "-f", writeManifest(t, step3))
	if res.Err != nil {
		t.Fatalf("step 3 (the last fix) was denied: %s", res)
	}
	for _, id := range ruleIDs(res.Output()) {
		if id == "RBAC-007" || id == "RBAC-004" {
			t.Errorf("step 3 still reports %s", id)
		}
	}
	if got := getConfigMap(t, "argocd", "argocd-rbac-cm").Data["policy.csv"]; got != step3.Data["policy.csv"] {
		t.Errorf("step 3 not stored; policy.csv is\n%s", got)
	}
}

// The mutating webhook's defaults are stored, so `kubectl get -o yaml`
// shows them, with the annotation that records them, and kubectl printed
// a warning for each.
func TestDefaultsAreVisibleInKubectlGet(t *testing.T) {
	fresh(t)
	rbac := readConfigMapFile(t, guide("fixed", "argocd-rbac-cm.yaml"))
	if _, ok := rbac.Data["policy.matchMode"]; ok {
		t.Fatal("fixed/argocd-rbac-cm.yaml sets policy.matchMode; this test needs it unset")
	}
	res := kubectl(t, "apply", "-f", guide("fixed", "argocd-rbac-cm.yaml"))
	if res.Err != nil {
		t.Fatalf("apply failed: %s", res)
	}
	if len(warnings(res)) == 0 || !strings.Contains(strings.Join(warnings(res), "\n"), "policy.matchMode") {
		t.Errorf("kubectl printed no warning about the defaulted policy.matchMode")
	}
	got := kubectl(t, "get", "configmap", "argocd-rbac-cm", "-n", "argocd", "-o", "yaml")
	if got.Err != nil {
		t.Fatalf("kubectl get failed: %s", got)
	}
	for _, want := range []string{"policy.matchMode: glob", "argoguard.io/defaulted:"} {
		if !strings.Contains(got.Stdout, want) {
			t.Errorf("kubectl get -o yaml does not show %q", want)
		}
	}
	// Applying the same file again changes nothing (a defaulted key does
	// not fight kubectl apply), and the user's own keys were kept.
	again := kubectl(t, "apply", "-f", guide("fixed", "argocd-rbac-cm.yaml"))
	if again.Err != nil || !strings.Contains(again.Stdout, "configmap/argocd-rbac-cm unchanged") {
		t.Errorf("re-applying the same file did not leave the object unchanged: %s", again)
	}
	stored := getConfigMap(t, "argocd", "argocd-rbac-cm")
	for k, v := range rbac.Data {
		if stored.Data[k] != v {
			t.Errorf("defaulting changed the user's data[%q]", k)
		}
	}
}
