package audit_test

// The reports of a namespace's AppProjects and rbac-rule ServiceAccounts:
// one per namespace and kind, named in advance so the deployed RBAC can
// name them.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/audit"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/snapshot"
	"github.com/argoguard/argoguard/webhook"
)

const ssoRBAC = "test/testdata/guide/sso-rbac/as-written"

func TestAuditReportsServiceAccountsAndProjects(t *testing.T) {
	needEnv(t)
	ctx := context.Background()
	applyDir(t, guide+"/as-written")
	created := applyObjects(t, ssoRBAC+"/workflows-serviceaccounts.yaml", ssoRBAC+"/appproject-team-a.yaml")
	t.Cleanup(func() {
		for _, o := range created {
			_ = k8s.Delete(context.Background(), o)
		}
	})
	cs := kubernetes.NewForConfigOrDie(cfg)
	reader := &snapshot.ClientReader{Client: cs, Dynamic: dynamic.NewForConfigOrDie(cfg), Metadata: metadata.NewForConfigOrDie(cfg)}
	events := &eventLog{}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &snapshot.Source{Reader: reader}, Rules: rules.MustNewRegistry(), Log: logr.Discard()}
	c, err := audit.New(deps, k8s, k8s, events, options(report.FormatPolicyReport))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	accounts := readReport(t, "argo", "argoguard-serviceaccounts")
	projects := readReport(t, "argocd", "argoguard-appprojects")
	for _, pr := range []report.PolicyReport{accounts, projects} {
		if pr.Scope != (report.ScopeRef{}) {
			t.Errorf("%s: scope %+v; want none (the report is about several objects)", pr.Metadata.Name, pr.Scope)
		}
		if pr.Metadata.Labels["test/owner"] != "" {
			t.Errorf("%s: owned by %s; want no owner", pr.Metadata.Name, pr.Metadata.Labels["test/owner"])
		}
	}
	// Each account's findings, named by the result's resources; the gauge
	// counts them per account.
	for _, name := range []string{"argo-admin", "argo-developer", "argo-readonly"} {
		var warn, named int
		for _, r := range accounts.Results {
			if len(r.Resources) != 1 || r.Resources[0].Kind != "ServiceAccount" || r.Resources[0].Name != name {
				continue
			}
			named++
			if r.Properties[report.PropResource] != "ServiceAccount argo/"+name {
				t.Errorf("%s %s: resource property %q", name, r.Rule, r.Properties[report.PropResource])
			}
			if r.Result == report.ResultWarn {
				warn++
			}
		}
		if named == 0 {
			t.Errorf("argoguard-serviceaccounts: no result names %s", name)
		}
		if got := metricResults("argo/"+name, report.ResultWarn); got != float64(warn) {
			t.Errorf("argoguard_audit_results{object=argo/%s,result=warn} = %v, want %d", name, got, warn)
		}
	}
	if accounts.Summary.Warn == 0 {
		t.Errorf("argoguard-serviceaccounts: no warn finding for the guide's accounts: %v", results(accounts))
	}
	if projects.Summary.Fail == 0 {
		t.Errorf("argoguard-appprojects: no fail finding for team-a's display-name groups: %v", results(projects))
	}
	for _, r := range projects.Results {
		if len(r.Resources) != 1 || r.Resources[0].Kind != "AppProject" || r.Resources[0].Name != "team-a" {
			t.Errorf("argoguard-appprojects: result %s names %+v, want AppProject team-a", r.Rule, r.Resources)
		}
	}
	// The ConfigMaps keep their own reports, and the Events stay on them.
	if got := reports(t, report.PolicyReportAPIVersion, report.PolicyReportKind); len(got) != 3 {
		t.Errorf("ConfigMap reports: %d, want 3", len(got))
	}
	for _, e := range events.take() {
		if strings.Contains(e, "argoguard-serviceaccounts") || strings.Contains(e, "argoguard-appprojects") {
			t.Errorf("an Event for a report without a ConfigMap: %s", e)
		}
	}

	// Everything written is named by the deployed RBAC, which grants get
	// and update by name only.
	granted := rbacReportNames(t)
	for _, ns := range []string{"argocd", "argo"} {
		list := &unstructured.UnstructuredList{}
		list.SetAPIVersion(report.PolicyReportAPIVersion)
		list.SetKind(report.PolicyReportKind + "List")
		if err := k8s.List(ctx, list, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		var written []string
		for _, it := range list.Items {
			written = append(written, it.GetName())
		}
		sort.Strings(written)
		if !slices.Equal(written, granted[ns]) {
			t.Errorf("%s: reports written %v; deploy/base/rbac-reports.yaml names %v", ns, written, granted[ns])
		}
	}
}

// The accounts go: their report is emptied in place, and so are their
// gauges.
func TestAuditEmptiesTheReportOfAccountsGone(t *testing.T) {
	needEnv(t)
	ctx := context.Background()
	applyDir(t, guide+"/as-written")
	created := applyObjects(t, ssoRBAC+"/workflows-serviceaccounts.yaml")
	cs := kubernetes.NewForConfigOrDie(cfg)
	reader := &snapshot.ClientReader{Client: cs, Metadata: metadata.NewForConfigOrDie(cfg)}
	deps := webhook.Deps{Settings: webhook.NewStaticSettings(auditSettings(t)), Source: &snapshot.Source{Reader: reader}, Rules: rules.MustNewRegistry(), Log: logr.Discard()}
	c, err := audit.New(deps, k8s, k8s, &eventLog{}, options(report.FormatPolicyReport))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	before := readReport(t, "argo", "argoguard-serviceaccounts")
	if len(before.Results) == 0 || metricResults("argo/argo-admin", report.ResultWarn) <= 0 {
		t.Fatalf("with the accounts: %d results, argo/argo-admin warn gauge %v", len(before.Results), metricResults("argo/argo-admin", report.ResultWarn))
	}
	for _, o := range created {
		if err := k8s.Delete(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	after := readReport(t, "argo", "argoguard-serviceaccounts")
	if len(after.Results) != 0 || after.Summary != (report.ReportSummary{}) {
		t.Errorf("after the accounts went: %d results, summary %+v; want none", len(after.Results), after.Summary)
	}
	if g := metricResults("argo/argo-admin", report.ResultWarn); g != -1 {
		t.Errorf("argoguard_audit_results{object=argo/argo-admin} = %v after the account went; want no gauge", g)
	}
}

// readReport reads one PolicyReport back, with its owner as a test label.
func readReport(t *testing.T, namespace, name string) report.PolicyReport {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(report.PolicyReportAPIVersion)
	u.SetKind(report.PolicyReportKind)
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, u); err != nil {
		t.Fatalf("report %s/%s: %v", namespace, name, err)
	}
	raw, err := u.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var pr report.PolicyReport
	if err := yaml.Unmarshal(raw, &pr); err != nil {
		t.Fatal(err)
	}
	if refs := u.GetOwnerReferences(); len(refs) > 0 {
		pr.Metadata.Labels["test/owner"] = refs[0].Kind + "/" + refs[0].Name
	}
	return pr
}

// rbacReportNames reads the PolicyReport names the kustomize base grants
// get and update on, per namespace, sorted.
func rbacReportNames(t *testing.T) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/base/rbac-reports.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		var role struct {
			Kind     string
			Metadata struct{ Namespace string }
			Rules    []struct {
				Resources     []string
				ResourceNames []string `json:"resourceNames"`
				Verbs         []string
			}
		}
		if err := yaml.Unmarshal(doc, &role); err != nil {
			t.Fatal(err)
		}
		if role.Kind != "Role" {
			continue
		}
		for _, r := range role.Rules {
			if slices.Contains(r.Resources, "policyreports") && slices.Contains(r.Verbs, "update") {
				out[role.Metadata.Namespace] = append(out[role.Metadata.Namespace], r.ResourceNames...)
			}
		}
	}
	for ns := range out {
		sort.Strings(out[ns])
	}
	return out
}

// applyObjects creates (or replaces) every object of the manifests (paths
// relative to the repository root) and returns them.
func applyObjects(t *testing.T, rels ...string) []client.Object {
	t.Helper()
	ctx := context.Background()
	var out []client.Object
	for _, rel := range rels {
		raw, err := os.ReadFile(filepath.Join(repoRoot, rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(raw, []byte("\n---")) {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(doc, &u.Object); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if len(u.Object) == 0 {
				continue
			}
			err := k8s.Create(ctx, u)
			if apierrors.IsAlreadyExists(err) {
				cur := &unstructured.Unstructured{}
				cur.SetGroupVersionKind(u.GroupVersionKind())
				if err := k8s.Get(ctx, client.ObjectKeyFromObject(u), cur); err != nil {
					t.Fatal(err)
				}
				u.SetResourceVersion(cur.GetResourceVersion())
				err = k8s.Update(ctx, u)
			}
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			out = append(out, u)
		}
	}
	return out
}
