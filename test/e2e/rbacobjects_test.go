package e2e

import (
	"reflect"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/test/e2e/cluster"
)

// installAppProjectCRD installs the stand-in AppProject CRD (applying it
// again changes nothing) and waits until it is served.
func installAppProjectCRD(t *testing.T) {
	t.Helper()
	if res := kubectl(t, "apply", "-f", repoRoot+"/test/e2e/testdata/crds/appprojects.yaml"); res.Err != nil {
		t.Fatalf("installing the AppProject CRD: %s", res)
	}
	if res := kubectl(t, "wait", "--for=condition=Established", "--timeout=60s", "crd/appprojects.argoproj.io"); res.Err != nil {
		t.Fatalf("the AppProject CRD is not established: %s", res)
	}
}

// withRBACObjects installs the AppProject CRD and removes the guide's
// AppProject and ServiceAccounts after the scenario.
func withRBACObjects(t *testing.T) {
	t.Helper()
	installAppProjectCRD(t)
	t.Cleanup(func() {
		for _, obj := range []struct{ kind, ns, name string }{
			{"appproject", "argocd", "team-a"},
			{"serviceaccount", "argo", "argo-admin"},
			{"serviceaccount", "argo", "argo-developer"},
			{"serviceaccount", "argo", "argo-readonly"},
		} {
			kubectl(t, "delete", obj.kind, obj.name, "-n", obj.ns, "--ignore-not-found", "--as="+cleanupUser, "--as-group=system:masters")
		}
	})
}

// The guide's AppProject names its groups by display name: kubectl apply
// is refused with PROJ-004 at each group's field path, a server-side dry
// run gives the same verdict and stores nothing, and the fixed project is
// accepted.
func TestAppProjectWithDisplayNamesIsDenied(t *testing.T) {
	fresh(t)
	withRBACObjects(t)
	bad, good := guide("sso-rbac", "as-written", "appproject-team-a.yaml"), guide("sso-rbac", "fixed", "appproject-team-a.yaml")
	dry := kubectl(t, "apply", "--dry-run=server", "-f", bad)
	res := kubectl(t, "apply", "-f", bad)
	if res.ExitCode != 1 {
		t.Fatalf("kubectl apply of the as-written AppProject exited %d, want 1", res.ExitCode)
	}
	shown := res.Stderr
	for _, want := range []string{"spec.roles[0].groups[0]: PROJ-004", "spec.roles[1].groups[0]: PROJ-004"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the denial lacks %q:\n%s", want, shown)
		}
	}
	if dry.ExitCode != res.ExitCode || !reflect.DeepEqual(ruleIDs(dry.Output()), ruleIDs(res.Output())) {
		t.Errorf("dry-run exited %d with %v; the real apply %d with %v", dry.ExitCode, ruleIDs(dry.Output()), res.ExitCode, ruleIDs(res.Output()))
	}
	if get := kubectl(t, "get", "appproject", "team-a", "-n", "argocd", "--ignore-not-found", "-o", "name"); strings.TrimSpace(get.Stdout) != "" {
		t.Errorf("the denied AppProject is stored: %s", get.Stdout)
	}
	if res := kubectl(t, "apply", "-f", good); res.Err != nil || len(ruleIDs(res.Output())) != 0 {
		t.Errorf("the fixed AppProject: %s", res)
	}
}

// The guide's Workflows ServiceAccounts test display names in their
// rbac-rule: with SSO RBAC on (the fixed workflow-controller-configmap),
// the two that name a group are refused with WFSA-002 on the annotation,
// the catch-all is created; dry-run agrees; the fixed accounts (with their
// token Secrets) are accepted.
func TestServiceAccountRuleWithDisplayNameIsDenied(t *testing.T) {
	fresh(t)
	withRBACObjects(t)
	if res := kubectl(t, "apply", "-f", guide("fixed")); res.Err != nil {
		t.Fatalf("kubectl apply of fixed/: %s", res)
	}
	bad := guide("sso-rbac", "as-written", "workflows-serviceaccounts.yaml")
	dry := kubectl(t, "apply", "--dry-run=server", "-f", bad)
	res := kubectl(t, "apply", "-f", bad)
	if res.ExitCode != 1 {
		t.Fatalf("kubectl apply exited %d, want 1", res.ExitCode)
	}
	for _, name := range []string{"argo-admin", "argo-developer"} {
		shown := errorFor(res, name)
		if !strings.Contains(shown, "WFSA-002") || !strings.Contains(shown, "metadata.annotations[workflows.argoproj.io/rbac-rule]") {
			t.Errorf("%s: no WFSA-002 on the rbac-rule annotation in %q", name, shown)
		}
	}
	if !strings.Contains(res.Stdout, "serviceaccount/argo-readonly created") {
		t.Errorf("the catch-all account was not created:\n%s", res.Stdout)
	}
	if dry.ExitCode != res.ExitCode || !reflect.DeepEqual(ruleIDs(dry.Output()), ruleIDs(res.Output())) {
		t.Errorf("dry-run exited %d with %v; the real apply %d with %v", dry.ExitCode, ruleIDs(dry.Output()), res.ExitCode, ruleIDs(res.Output()))
	}
	// Creating them takes each team's group over from the catch-all: that
	// is all argoguard says (WFSA-010, a warning).
	if res := kubectl(t, "apply", "-f", guide("sso-rbac", "fixed", "workflows-serviceaccounts.yaml")); res.Err != nil {
		t.Errorf("the fixed accounts: %s", res)
	} else if ids := ruleIDs(res.Output()); !reflect.DeepEqual(ids, []string{"WFSA-010"}) {
		t.Errorf("the fixed accounts got findings %v, want only WFSA-010:\n%s", ids, res.Output())
	} else if w := strings.Join(warnings(res), "\n"); !strings.Contains(w, "WFSA-010: group argocd-developers moves from argo-readonly to argo-developer") {
		t.Errorf("no warning that the developers move to their account:\n%s", w)
	}
}

// Deleting the developers' rbac-rule account sends them to the catch-all:
// `kubectl delete` prints argoguard's WFSA-010 warning and the account is
// gone; a server-side dry run prints the same warning and keeps it.
// Deleting team-a's project prints what its roles no longer grant.
func TestDeletingRBACObjectsWarnsWhatTheyChange(t *testing.T) {
	fresh(t)
	withRBACObjects(t)
	for _, f := range []string{guide("fixed"), guide("sso-rbac", "fixed", "workflows-serviceaccounts.yaml"), guide("sso-rbac", "fixed", "appproject-team-a.yaml")} {
		if res := kubectl(t, "apply", "-f", f); res.Err != nil {
			t.Fatalf("kubectl apply -f %s: %s", f, res)
		}
	}
	const moved = "WFSA-010: group argocd-developers moves from argo-developer to argo-readonly"
	has := func(res cluster.KubectlResult, want string) bool {
		for _, w := range warnings(res) {
			if strings.HasPrefix(w, want) {
				return true
			}
		}
		return false
	}
	exists := func(kind, ns, name string) bool {
		get := kubectl(t, "get", kind, name, "-n", ns, "--ignore-not-found", "-o", "name")
		return strings.TrimSpace(get.Stdout) != ""
	}
	dry := kubectl(t, "delete", "serviceaccount", "argo-developer", "-n", "argo", "--dry-run=server")
	if dry.Err != nil || !has(dry, moved) {
		t.Errorf("dry-run delete: want success with %q: %s", moved, dry)
	}
	if !exists("serviceaccount", "argo", "argo-developer") {
		t.Fatal("the dry run deleted the account")
	}
	res := kubectl(t, "delete", "serviceaccount", "argo-developer", "-n", "argo")
	if res.Err != nil || !has(res, moved) {
		t.Errorf("delete: want success with %q: %s", moved, res)
	}
	if !reflect.DeepEqual(warnings(dry), warnings(res)) {
		t.Errorf("dry-run warned %q; the delete %q", warnings(dry), warnings(res))
	}
	if exists("serviceaccount", "argo", "argo-developer") {
		t.Error("the account is still there after the delete")
	}

	res = kubectl(t, "delete", "appproject", "team-a", "-n", "argocd")
	const revoked = "PROJ-010: spec.roles[0].groups[0]: argocd-developers loses role proj:team-a:developer"
	if res.Err != nil || !has(res, revoked) {
		t.Errorf("deleting the project: want success with %q: %s", revoked, res)
	}
	if exists("appproject", "argocd", "team-a") {
		t.Error("the project is still there after the delete")
	}
}
