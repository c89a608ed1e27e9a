package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy/report"
)

// policyReport is what `kubectl get policyreport -o json` prints, as far as
// the tests read it.
type policyReport struct {
	Metadata struct {
		Name            string `json:"name"`
		UID             string `json:"uid"`
		OwnerReferences []struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
			UID  string `json:"uid"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Scope struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
		UID  string `json:"uid"`
	} `json:"scope"`
	Summary report.ReportSummary  `json:"summary"`
	Results []report.ReportResult `json:"results"`
}

// policyReports reads the PolicyReports argoguard wrote for the guide's
// three objects (missing ones are absent from the map; the shared reports
// of AppProjects and ServiceAccounts, without a scope, are left out).
func policyReports(t *testing.T) map[string]policyReport {
	t.Helper()
	out := map[string]policyReport{}
	for _, ns := range []string{"argocd", "argo"} {
		res := kubectl(t, "get", "policyreports.wgpolicyk8s.io", "-n", ns, "-l", report.LabelManagedBy+"="+report.Source, "-o", "json")
		if res.Err != nil {
			t.Fatalf("kubectl get policyreports: %s", res)
		}
		var list struct{ Items []policyReport }
		if err := json.Unmarshal([]byte(res.Stdout), &list); err != nil {
			t.Fatalf("kubectl get policyreports -o json: %v", err)
		}
		for _, pr := range list.Items {
			if pr.Scope.Name != "" {
				out[pr.Scope.Name] = pr
			}
		}
	}
	return out
}

// resultsOf lists "RULE=result" and "RULE=result@line" for every result.
func resultsOf(pr policyReport) map[string]bool {
	out := map[string]bool{}
	for _, r := range pr.Results {
		out[r.Rule+"="+r.Result] = true
		if l := r.Properties["line"]; l != "" {
			out[r.Rule+"="+r.Result+"@"+l] = true
		}
	}
	return out
}

// eventually retries check until it returns "" (nothing missing); the
// deadline only guards against a hang (leader election after a restart
// takes up to a lease duration).
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	last := ""
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		if last = check(); last == "" {
			return
		}
	}
	t.Fatalf("%s: still %s", what, last)
}

// In audit mode the guide's configuration is stored, and the audit
// controller writes one PolicyReport per object with the rules of
// expected-findings.md and a matching summary; after the fix is applied,
// the same reports turn to pass.
func TestPolicyReportsForTheGuideInAuditMode(t *testing.T) {
	c := fresh(t)
	if res := kubectl(t, "apply", "-k", repoRoot+"/deploy/crds"); res.Err != nil {
		t.Fatalf("installing the report CRDs: %s", res)
	}
	if res := kubectl(t, "wait", "--for=condition=Established", "--timeout=60s",
		"crd/policyreports.wgpolicyk8s.io", "crd/reports.openreports.io"); res.Err != nil {
		t.Fatalf("CRDs not established: %s", res)
	}
	// Reports of earlier runs: the test control plane has no garbage
	// collector to remove them with their ConfigMaps.
	for _, ns := range []string{"argocd", "argo"} {
		if res := kubectl(t, "delete", "policyreports.wgpolicyk8s.io", "--all", "-n", ns); res.Err != nil {
			t.Fatalf("%s", res)
		}
	}
	// The webhook in audit mode, checking for changes every half second.
	if _, err := c.StartWebhook(context.Background(), auditSettings, "--audit-poll-interval=500ms"); err != nil {
		t.Fatal(err)
	}
	currentSettings = auditSettings + " (with report flags)"
	t.Cleanup(func() { useSettings(t, c, enforceSettings) })

	if res := kubectl(t, "apply", "-f", guide("as-written")); res.Err != nil {
		t.Fatalf("audit mode denied the guide's configuration: %s", res)
	}
	expected, _ := expectedFindings(t)
	catalogue := ruleCatalogue(t)
	uids := map[string]string{}
	for _, obj := range guideObjects {
		cm := getConfigMap(t, obj.ns, obj.name)
		if cm == nil {
			t.Fatalf("%s not stored", obj.name)
		}
		uids[obj.name] = string(cm.UID)
	}

	eventually(t, "reports of the guide as written", func() string {
		reports := policyReports(t)
		for _, obj := range guideObjects {
			pr, ok := reports[obj.name]
			if !ok {
				return "no PolicyReport for " + obj.name
			}
			got := resultsOf(pr)
			for _, id := range visible(t, expected[obj.name], true, false) {
				want := id + "=warn"
				if catalogue[id].Action == "deny" {
					want = id + "=fail"
				}
				if !got[want] {
					return obj.name + ": no result " + want
				}
			}
			for _, f := range expected[obj.name] {
				for _, l := range f.Lines {
					if !got[f.ID+"=fail@"+strconv.Itoa(l)] && !got[f.ID+"=warn@"+strconv.Itoa(l)] {
						return obj.name + ": no result for " + f.ID + " on line " + strconv.Itoa(l)
					}
				}
			}
		}
		return ""
	})

	first := policyReports(t)
	for _, obj := range guideObjects {
		pr := first[obj.name]
		checkReport(t, obj.name, pr, uids[obj.name])
		if obj.name != "argocd-cm" && pr.Summary.Fail == 0 {
			t.Errorf("%s: summary %+v; expected-findings.md says it is denied, so it fails", obj.name, pr.Summary)
		}
	}
	checkCLIReportFromCluster(t, c.Kubeconfig, first)

	ev := kubectl(t, "get", "events", "-n", "argocd", "--field-selector", "involvedObject.name=argocd-rbac-cm", "-o", "json")
	if ev.Err != nil || !strings.Contains(ev.Stdout, `"reason": "FindingsChanged"`) {
		t.Errorf("no FindingsChanged Event on argocd-rbac-cm: %s", ev)
	}

	// The fix: the same report objects turn to pass.
	if res := kubectl(t, "apply", "-f", guide("fixed")); res.Err != nil {
		t.Fatalf("applying the fix: %s", res)
	}
	eventually(t, "reports after the fix", func() string {
		reports := policyReports(t)
		for _, obj := range guideObjects {
			pr := reports[obj.name]
			if pr.Summary.Fail != 0 {
				return obj.name + " still fails"
			}
			got := resultsOf(pr)
			for _, id := range visible(t, expected[obj.name], true, false) {
				if !got[id+"=pass"] {
					return obj.name + ": " + id + " does not pass"
				}
			}
		}
		return ""
	})
	fixed := policyReports(t)
	for _, obj := range guideObjects {
		pr := fixed[obj.name]
		checkReport(t, obj.name, pr, uids[obj.name])
		if pr.Metadata.UID != first[obj.name].Metadata.UID {
			t.Errorf("%s: a new report object instead of the old one updated in place", obj.name)
		}
		for _, r := range pr.Results {
			if r.Result == "warn" && r.Properties["action"] != "audit" {
				t.Errorf("%s: after the fix a warn finding remains: %s %s", obj.name, r.Rule, r.Message)
			}
		}
	}
}

// checkReport: scoped to and owned by the ConfigMap, from argoguard, with a
// summary that counts its results.
func checkReport(t *testing.T, name string, pr policyReport, uid string) {
	t.Helper()
	if pr.Metadata.Name != "argoguard-"+name || pr.Scope.Kind != "ConfigMap" || pr.Scope.Name != name || pr.Scope.UID != uid {
		t.Errorf("%s: report %s scoped to %+v", name, pr.Metadata.Name, pr.Scope)
	}
	if len(pr.Metadata.OwnerReferences) != 1 || pr.Metadata.OwnerReferences[0].UID != uid {
		t.Errorf("%s: owner references %+v, want the ConfigMap (uid %s)", name, pr.Metadata.OwnerReferences, uid)
	}
	var sum report.ReportSummary
	for _, r := range pr.Results {
		if r.Source != "argoguard" || r.Policy == "" || r.Rule == "" || r.Timestamp.Seconds == 0 {
			t.Errorf("%s: incomplete result %+v", name, r)
		}
		switch r.Result {
		case "pass":
			sum.Pass++
		case "fail":
			sum.Fail++
		case "warn":
			sum.Warn++
		case "skip":
			sum.Skip++
		}
	}
	if sum != pr.Summary {
		t.Errorf("%s: summary %+v, results count %+v", name, pr.Summary, sum)
	}
}

// checkCLIReportFromCluster runs `argoguard report --kubeconfig` (the CLI
// built next to the webhook) against the cluster: it reads the same live
// objects, so its failing rules are the PolicyReports' failing rules.
func checkCLIReportFromCluster(t *testing.T, kubeconfig string, reports map[string]policyReport) {
	t.Helper()
	bin := filepath.Join(os.Getenv("ARGOGUARD_BIN"), "argoguard")
	if !filepath.IsAbs(bin) {
		bin = filepath.Join(repoRoot, bin)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Logf("no argoguard CLI in ARGOGUARD_BIN (make build): not checking report --kubeconfig")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "report", "--kubeconfig", kubeconfig, "--settings", auditSettings, "--output", "json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("argoguard report --kubeconfig: %v\n%s", err, stderr.String())
	}
	var r report.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("argoguard report --kubeconfig printed no JSON report: %v", err)
	}
	if len(r.Objects) != 3 {
		t.Fatalf("report --kubeconfig saw %d objects, want the three guarded ConfigMaps", len(r.Objects))
	}
	for _, o := range r.Objects {
		var cli, cluster []string
		for _, res := range o.Results {
			if res.Result == "fail" {
				cli = append(cli, res.Rule)
			}
		}
		seen := map[string]bool{}
		for _, res := range reports[o.Object.Name].Results {
			if res.Result == "fail" && !seen[res.Rule] {
				seen[res.Rule] = true
				cluster = append(cluster, res.Rule)
			}
		}
		sort.Strings(cli)
		sort.Strings(cluster)
		if strings.Join(cli, ",") != strings.Join(cluster, ",") {
			t.Errorf("%s: report --kubeconfig fails %v, the PolicyReport %v", o.Object.Name, cli, cluster)
		}
	}
}

// --report-format openreports: the same controller writes openreports.io
// Reports instead.
func TestOpenReportsFormat(t *testing.T) {
	c := fresh(t)
	if res := kubectl(t, "apply", "-k", repoRoot+"/deploy/crds"); res.Err != nil {
		t.Fatalf("installing the report CRDs: %s", res)
	}
	if res := kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "crd/reports.openreports.io"); res.Err != nil {
		t.Fatalf("CRD not established: %s", res)
	}
	for _, ns := range []string{"argocd", "argo"} {
		if res := kubectl(t, "delete", "reports.openreports.io", "--all", "-n", ns); res.Err != nil {
			t.Fatalf("%s", res)
		}
	}
	if _, err := c.StartWebhook(context.Background(), auditSettings, "--audit-poll-interval=500ms", "--report-format=openreports"); err != nil {
		t.Fatal(err)
	}
	currentSettings = auditSettings + " (openreports)"
	t.Cleanup(func() { useSettings(t, c, enforceSettings) })

	if res := kubectl(t, "apply", "-f", guide("as-written")); res.Err != nil {
		t.Fatalf("audit mode denied the guide's configuration: %s", res)
	}
	eventually(t, "openreports.io Reports for the three objects", func() string {
		for _, obj := range guideObjects {
			res := kubectl(t, "get", "reports.openreports.io", "argoguard-"+obj.name, "-n", obj.ns, "-o", "json", "--ignore-not-found")
			if res.Err != nil {
				t.Fatalf("%s", res)
			}
			if strings.TrimSpace(res.Stdout) == "" {
				return "no Report for " + obj.name
			}
			var r struct {
				Source  string                `json:"source"`
				Summary report.ReportSummary  `json:"summary"`
				Results []report.ReportResult `json:"results"`
			}
			if err := json.Unmarshal([]byte(res.Stdout), &r); err != nil {
				t.Fatal(err)
			}
			if r.Source != "argoguard" || len(r.Results) == 0 {
				t.Errorf("%s: Report source %q with %d results", obj.name, r.Source, len(r.Results))
			}
			if obj.name == "argocd-rbac-cm" && r.Summary.Fail == 0 {
				return "argocd-rbac-cm's Report has no fail yet"
			}
		}
		return ""
	})
}
