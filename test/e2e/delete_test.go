package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// applyFixed stores the guide's fixed objects (argoguard allows them).
func applyFixed(t *testing.T) {
	t.Helper()
	if res := kubectl(t, "apply", "-f", guide("fixed")); res.Err != nil {
		t.Fatalf("applying the guide's fixed objects failed: %s", res)
	}
}

// In enforce mode `kubectl delete` of a guarded ConfigMap is refused
// (GUARD-001), a server-side dry run gets the same answer, and the object
// stays; a ConfigMap next to it is deleted as usual.
func TestDeleteOfGuardedObjectIsRefused(t *testing.T) {
	fresh(t)
	applyFixed(t)
	for _, obj := range guideObjects {
		for _, dry := range []bool{true, false} {
			args := []string{"delete", "configmap", obj.name, "-n", obj.ns}
			if dry {
				args = append(args, "--dry-run=server")
			}
			res := kubectl(t, args...)
			if res.ExitCode == 0 {
				t.Fatalf("%s (dry run %v): delete allowed in enforce mode", obj.name, dry)
			}
			if !strings.Contains(res.Stderr, "GUARD-001") || !strings.Contains(res.Stderr, "deleting "+obj.name) {
				t.Errorf("%s (dry run %v): the refusal does not name GUARD-001 and the object:\n%s", obj.name, dry, res.Stderr)
			}
			if getConfigMap(t, obj.ns, obj.name) == nil {
				t.Fatalf("%s is gone after a refused delete", obj.name)
			}
		}
	}
	// Deleting the namespace deletes its ConfigMaps as the namespace
	// controller (not run by this test cluster, so impersonated): let go.
	res := kubectl(t, "delete", "configmap", "argocd-cm", "-n", "argocd",
		"--as=system:serviceaccount:kube-system:namespace-controller", "--as-group=system:masters")
	if res.Err != nil || getConfigMap(t, "argocd", "argocd-cm") != nil {
		t.Errorf("the namespace controller could not delete argocd-cm: %s", res)
	}
	if res := kubectl(t, "create", "configmap", "argocd-notifications-cm", "-n", "argocd"); res.Err != nil {
		t.Fatal(res)
	}
	if res := kubectl(t, "delete", "configmap", "argocd-notifications-cm", "-n", "argocd"); res.Err != nil || len(warnings(res)) > 0 {
		t.Errorf("deleting an unguarded ConfigMap: %s", res)
	}
}

// `kubectl replace --force` is a delete then a create: with a refused
// object the delete is refused first, so the original stays as it was.
func TestReplaceForceKeepsTheOriginal(t *testing.T) {
	fresh(t)
	applyFixed(t)
	before := getConfigMap(t, "argocd", "argocd-rbac-cm")
	res := kubectl(t, "replace", "--force", "-f", guide("as-written", "argocd-rbac-cm.yaml"))
	if res.ExitCode == 0 {
		t.Fatalf("replace --force of a refused object succeeded")
	}
	after := getConfigMap(t, "argocd", "argocd-rbac-cm")
	if after == nil {
		t.Fatal("argocd-rbac-cm is gone after a refused replace --force")
	}
	if after.UID != before.UID || after.Data["policy.csv"] != before.Data["policy.csv"] {
		t.Errorf("argocd-rbac-cm changed: uid %s -> %s, policy.csv\n%s", before.UID, after.UID, after.Data["policy.csv"])
	}
}

// Audit mode never refuses: the delete goes through with the GUARD-001
// warning, and a Warning Event DeletedInAuditMode stays on the object.
func TestAuditModeDeleteWarns(t *testing.T) {
	c := fresh(t)
	if res := kubectl(t, "apply", "-k", repoRoot+"/deploy/crds"); res.Err != nil {
		t.Fatalf("installing the report CRDs: %s", res)
	}
	if res := kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "crd/policyreports.wgpolicyk8s.io"); res.Err != nil {
		t.Fatalf("CRDs not established: %s", res)
	}
	applyFixed(t)
	if _, err := c.StartWebhook(context.Background(), auditSettings, "--audit-poll-interval=500ms"); err != nil {
		t.Fatal(err)
	}
	currentSettings = auditSettings + " (audit poll 500ms)"
	t.Cleanup(func() { useSettings(t, c, enforceSettings) })
	res := kubectl(t, "delete", "configmap", "argocd-rbac-cm", "-n", "argocd")
	if res.Err != nil {
		t.Fatalf("audit mode refused a delete: %s", res)
	}
	requireContainsIDs(t, "audit-mode delete warnings", ruleIDs(strings.Join(warnings(res), "\n")), "GUARD-001")
	if getConfigMap(t, "argocd", "argocd-rbac-cm") != nil {
		t.Error("argocd-rbac-cm still stored after an allowed delete")
	}
	if notes := warningEvents(t, "argocd", "argocd-rbac-cm", "DeletedInAuditMode"); len(notes) != 1 || !strings.Contains(notes[0], "deleting argocd-rbac-cm") {
		t.Errorf("DeletedInAuditMode Events on argocd-rbac-cm: %q; want one", notes)
	}
	// The report entry: the audit controller reports the absence.
	eventually(t, "a PolicyReport entry for the deleted argocd-rbac-cm", func() string {
		pr, ok := policyReports(t)["argocd-rbac-cm"]
		if !ok {
			return "no PolicyReport for argocd-rbac-cm"
		}
		if !resultsOf(pr)["GUARD-001=fail"] {
			return fmt.Sprintf("no GUARD-001 failure in %v", resultsOf(pr))
		}
		return ""
	})
}

// A break-glass requester may delete, and leaves a trail a reviewer
// finds: a warning, a Warning Event BreakGlass on the (deleted) object
// naming the requester and the rule, and the decisions metric.
func TestBreakGlassDeleteLeavesATrail(t *testing.T) {
	c := fresh(t)
	applyFixed(t)
	path, err := writeSettingsVariant(enforceSettings, t.TempDir(), func(s string) (string, error) {
		return withBreakGlass(s, "platform-oncall")
	})
	if err != nil {
		t.Fatal(err)
	}
	useSettings(t, c, path)
	oncall, err := c.AddUser("carol", "system:masters", "platform-oncall")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	metric := `argoguard_admission_decisions_total{object="argo/workflow-controller-configmap",verdict="breakglass"}`
	before := metrics(t)[metric]

	dry := c.KubectlAs(ctx, oncall, "delete", "configmap", "workflow-controller-configmap", "-n", "argo", "--dry-run=server")
	t.Logf("carol (dry run): %s", dry)
	if dry.Err != nil || getConfigMap(t, "argo", "workflow-controller-configmap") == nil {
		t.Fatalf("break-glass dry run: refused, or the object is gone")
	}
	res := c.KubectlAs(ctx, oncall, "delete", "configmap", "workflow-controller-configmap", "-n", "argo")
	t.Logf("carol: %s", res)
	if res.Err != nil {
		t.Fatalf("break-glass delete refused")
	}
	ws := strings.Join(warnings(res), "\n")
	if !strings.Contains(ws, "break-glass") || !strings.Contains(ws, "GUARD-001") {
		t.Errorf("warnings do not say break-glass and GUARD-001:\n%s", ws)
	}
	if getConfigMap(t, "argo", "workflow-controller-configmap") != nil {
		t.Error("the object is still stored after the break-glass delete")
	}

	// One Event for carol's delete, none for her dry run (fresh() leaves
	// Events of its own clean-up user).
	var notes []string
	for _, n := range warningEvents(t, "argo", "workflow-controller-configmap", "BreakGlass") {
		if strings.Contains(n, "carol") {
			notes = append(notes, n)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "GUARD-001") {
		t.Errorf("BreakGlass Events on argo/workflow-controller-configmap: %q; want one naming carol and GUARD-001", notes)
	}
	if d := metrics(t)[metric] - before; d != 2 {
		t.Errorf("/metrics: %s grew by %v, want 2 (the dry run and the delete)", metric, d)
	}
}

// warningEvents returns the notes of the Warning Events of a reason
// regarding one object, as `kubectl get events.events.k8s.io` shows them,
// waiting a little for the first (the recorder writes asynchronously).
func warningEvents(t *testing.T, ns, name, reason string) []string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		if notes := listWarningEvents(t, ns, name, reason); len(notes) > 0 || time.Now().After(deadline) {
			return notes
		}
	}
}

func listWarningEvents(t *testing.T, ns, name, reason string) []string {
	t.Helper()
	res := kubectl(t, "get", "events.events.k8s.io", "-n", ns, "-o", "json")
	if res.Err != nil {
		t.Fatalf("kubectl get events failed: %s", res)
	}
	var list struct {
		Items []struct {
			Reason    string `json:"reason"`
			Type      string `json:"type"`
			Note      string `json:"note"`
			Regarding struct {
				Kind, Name string
			} `json:"regarding"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &list); err != nil {
		t.Fatalf("events: %v", err)
	}
	var out []string
	for _, e := range list.Items {
		if e.Reason == reason && e.Type == "Warning" && e.Regarding.Kind == "ConfigMap" && e.Regarding.Name == name {
			out = append(out, e.Note)
		}
	}
	return out
}
