package e2e

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The guarded objects of the guide, with their files.
var guideObjects = []struct{ file, ns, name string }{
	{"argocd-cm.yaml", "argocd", "argocd-cm"},
	{"argocd-rbac-cm.yaml", "argocd", "argocd-rbac-cm"},
	{"workflow-controller-configmap.yaml", "argo", "workflow-controller-configmap"},
}

// The guide's configuration as written: what a reader applies. Denied
// objects are not stored and their errors name the deny rules of
// expected-findings.md; the allowed argocd-cm is stored with warnings; the
// whole run prints exactly the expected rule IDs.
func TestGuideAsWrittenIsDeniedWithTheExpectedRules(t *testing.T) {
	fresh(t)
	expected, denied := expectedFindings(t)

	before := metrics(t)
	res := kubectl(t, "apply", "-f", guide("as-written"))
	if res.ExitCode != 1 {
		t.Fatalf("kubectl apply of as-written/ exited %d, want 1 (denied objects)", res.ExitCode)
	}
	after := metrics(t)
	var all []string
	for _, obj := range guideObjects {
		want := visible(t, expected[obj.name], false, false)
		all = append(all, want...)
		shown := errorFor(res, obj.name)
		stored := getConfigMap(t, obj.ns, obj.name)
		if denied[obj.name] {
			if stored != nil {
				t.Errorf("%s was denied but is stored", obj.name)
			}
			if !strings.Contains(shown, `admission webhook "validate.argoguard.io" denied the request`) &&
				!strings.HasPrefix(shown, `The ConfigMap "`+obj.name+`" is invalid`) {
				t.Errorf("%s: kubectl printed no denial by argoguard for it; error: %q", obj.name, shown)
			}
			requireContainsIDs(t, obj.name+" denial", ruleIDs(shown), denyIDs(t, want)...)
			// One create, one denial, counted on /metrics.
			key := `argoguard_admission_decisions_total{object="` + obj.ns + "/" + obj.name + `",verdict="denied"}`
			if d := after[key] - before[key]; d != 1 {
				t.Errorf("/metrics: %s grew by %v, want 1", key, d)
			}
			// Each finding with its key and line, as expected-findings.md says.
			for _, f := range expected[obj.name] {
				for _, line := range f.Lines {
					if !findingLine(shown, f.ID, f.Key, line) {
						t.Errorf("%s: no line of the denial names %s on %s line %d", obj.name, f.ID, f.Key, line)
					}
				}
			}
			continue
		}
		if shown != "" {
			t.Errorf("%s should be allowed; kubectl printed: %s", obj.name, shown)
		}
		if !strings.Contains(res.Stdout, "configmap/"+obj.name+" created") {
			t.Errorf("kubectl did not print that %s was created", obj.name)
		}
		if stored == nil {
			t.Fatalf("%s was allowed but is not stored", obj.name)
		}
		requireStoredAsWritten(t, readConfigMapFile(t, guide("as-written", obj.file)), stored)
	}
	// The Secret of the guide is no guarded object: written as usual.
	if !strings.Contains(res.Stdout, "secret/argocd-sso-secret created") {
		t.Errorf("the guide's Secret was not created")
	}
	// Everything argoguard printed (denials and warnings), against the
	// whole list of expected-findings.md: nothing missing, nothing extra.
	sort.Strings(all)
	requireIDs(t, "as-written, all of kubectl's output", ruleIDs(res.Output()), all)
	// The allowed object's findings come back as warnings.
	var warned []string
	for _, w := range warnings(res) {
		warned = append(warned, ruleIDs(w)...)
	}
	requireContainsIDs(t, "warnings", warned, visible(t, expected["argocd-cm"], false, false)...)
}

// The guide's fixed configuration is accepted and stored as written.
func TestGuideFixedIsAccepted(t *testing.T) {
	fresh(t)
	res := kubectl(t, "apply", "-f", guide("fixed"))
	if res.Err != nil {
		t.Fatalf("kubectl apply of fixed/ failed: %s", res)
	}
	if ids := ruleIDs(res.Output()); len(ids) != 0 {
		t.Errorf("fixed/ should have no deny or warn finding; kubectl printed %v", ids)
	}
	for _, obj := range guideObjects {
		if !strings.Contains(res.Stdout, "configmap/"+obj.name+" created") {
			t.Errorf("kubectl did not print that %s was created", obj.name)
		}
		stored := getConfigMap(t, obj.ns, obj.name)
		if stored == nil {
			t.Fatalf("%s not stored", obj.name)
		}
		requireStoredAsWritten(t, readConfigMapFile(t, guide("fixed", obj.file)), stored)
	}
}

// Server-side dry-run gets the same verdict and rule IDs as the real
// request, and stores nothing (sideEffects: None). Object by object, in
// the order kubectl applies the folder, so that both requests meet the
// same cluster (the rules judge each object against the stored others).
func TestServerDryRunGivesTheSameVerdictAndStoresNothing(t *testing.T) {
	for _, dir := range []string{"as-written", "fixed"} {
		fresh(t)
		for _, obj := range guideObjects {
			path := guide(dir, obj.file)
			dry := kubectl(t, "apply", "--dry-run=server", "-f", path)
			if cm := getConfigMap(t, obj.ns, obj.name); cm != nil {
				t.Errorf("%s/%s: the dry-run stored it", dir, obj.file)
			}
			real := kubectl(t, "apply", "-f", path)
			if dry.ExitCode != real.ExitCode {
				t.Errorf("%s/%s: dry-run exited %d, the real apply %d", dir, obj.file, dry.ExitCode, real.ExitCode)
			}
			if got, want := ruleIDs(dry.Output()), ruleIDs(real.Output()); !reflect.DeepEqual(got, want) {
				t.Errorf("%s/%s: dry-run printed rules %v, the real apply %v", dir, obj.file, got, want)
			}
			if got, want := warnings(dry), warnings(real); !reflect.DeepEqual(got, want) {
				t.Errorf("%s/%s: dry-run warned\n  %s\nthe real apply\n  %s", dir, obj.file, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if real.ExitCode == 0 && !strings.Contains(dry.Stdout, "configmap/"+obj.name+" created (server dry run)") {
				t.Errorf("%s/%s: kubectl did not report the dry-run create", dir, obj.file)
			}
		}
	}
}

// An Argo CD sync is a server-side apply by the argocd-controller field
// manager: judged exactly like kubectl's client-side apply.
func TestServerSideApplyByAnotherFieldManagerIsJudgedTheSame(t *testing.T) {
	fresh(t)
	for _, obj := range guideObjects {
		path := guide("as-written", obj.file)
		ssa := kubectl(t, "apply", "--server-side", "--field-manager=argocd-controller", "-f", path)
		ssaStored := getConfigMap(t, obj.ns, obj.name) != nil
		fresh(t)
		csa := kubectl(t, "apply", "-f", path)
		csaStored := getConfigMap(t, obj.ns, obj.name) != nil
		if ssa.ExitCode != csa.ExitCode || ssaStored != csaStored {
			t.Errorf("%s: server-side apply exit %d stored %v; client-side apply exit %d stored %v",
				obj.name, ssa.ExitCode, ssaStored, csa.ExitCode, csaStored)
		}
		if got, want := ruleIDs(ssa.Output()), ruleIDs(csa.Output()); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: server-side apply printed rules %v, client-side apply %v", obj.name, got, want)
		}
		fresh(t)
	}
	// The fixed configuration, synced: stored, owned by argocd-controller.
	res := kubectl(t, "apply", "--server-side", "--field-manager=argocd-controller", "-f", guide("fixed"))
	if res.Err != nil {
		t.Fatalf("server-side apply of fixed/ failed: %s", res)
	}
	for _, obj := range guideObjects {
		got := kubectl(t, "get", "configmap", obj.name, "-n", obj.ns, "-o", "json", "--show-managed-fields")
		var cm corev1.ConfigMap
		if err := json.Unmarshal([]byte(got.Stdout), &cm); err != nil {
			t.Fatalf("%s not stored: %s", obj.name, got)
		}
		owned := false
		for _, mf := range cm.ManagedFields {
			if mf.Manager == "argocd-controller" && mf.Operation == "Apply" {
				owned = true
			}
		}
		if !owned {
			t.Errorf("%s: no Apply entry of field manager argocd-controller in managedFields", obj.name)
		}
	}
}

// metrics reads the webhook's /metrics: every sample line, by its name and
// labels as printed.
func metrics(t *testing.T) map[string]float64 {
	t.Helper()
	body, err := needCluster(t).ScrapeMetrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("/metrics: bad sample %q", line)
		}
		out[line[:i]] = v
	}
	return out
}
