package audit

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
)

// TestFingerprintSeesASecretTurnUnreadable: a referenced Secret that was
// absent and becomes unreadable changes what the rules judge (ACD-008
// stops reporting it), so the report is written again.
func TestFingerprintSeesASecretTurnUnreadable(t *testing.T) {
	snap := &policy.Snapshot{Settings: settings.Default(), SecretsKnown: true}
	absent, err := fingerprint(snap)
	if err != nil {
		t.Fatal(err)
	}
	snap.SecretsUnknown = []policy.ObjectRef{{Kind: "Secret", Namespace: "argocd", Name: "dex-saml"}}
	unreadable, err := fingerprint(snap)
	if err != nil {
		t.Fatal(err)
	}
	if absent == unreadable {
		t.Error("same fingerprint for an absent and an unreadable Secret")
	}
}

// An AppProject's spec and a ServiceAccount's rbac-rule annotation are
// what their rules judge: changing either writes the reports again.
func TestFingerprintSeesAppProjectsAndServiceAccounts(t *testing.T) {
	snap := &policy.Snapshot{Settings: settings.Default()}
	fp := func() string {
		t.Helper()
		s, err := fingerprint(snap)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	seen := map[string]string{"none": fp()}
	check := func(what string) {
		t.Helper()
		s := fp()
		for prev, p := range seen {
			if p == s {
				t.Errorf("%s: same fingerprint as %s", what, prev)
			}
		}
		seen[what] = s
	}
	project := policy.AppProjectObject
	p, err := project(map[string]any{"metadata": map[string]any{"name": "team-a", "namespace": "argocd"},
		"spec": map[string]any{"roles": []any{map[string]any{"name": "dev", "groups": []any{"g1"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	snap.Projects = []*policy.Object{p}
	check("a project")
	p2 := *p
	p2.Data = map[string]string{policy.AppProjectSpecKey: `{"roles":[{"name":"dev","groups":["g2"]}]}`}
	snap.Projects = []*policy.Object{&p2}
	check("the project's group changed")
	sa := policy.ServiceAccountObject(map[string]any{"metadata": map[string]any{"name": "argo-dev", "namespace": "argo",
		"annotations": map[string]any{"workflows.argoproj.io/rbac-rule": "'g1' in groups"}}})
	snap.ServiceAccounts = []*policy.Object{sa}
	check("an account")
	sa2 := *sa
	sa2.Annotations = map[string]string{"workflows.argoproj.io/rbac-rule": "'g2' in groups"}
	snap.ServiceAccounts = []*policy.Object{&sa2}
	check("the account's rule changed")
}

// A kind whose objects could not be listed is not judged: no empty report
// replaces what its report said. A kind listed with none gets the empty
// one (its last objects are gone).
func TestSharedReportsLeaveUnlistedKindsAlone(t *testing.T) {
	snap := &policy.Snapshot{Settings: settings.Default(), Unlisted: []string{policy.KindAppProject}}
	var got []string
	for _, pr := range withSharedReports(nil, snap, report.FormatPolicyReport) {
		got = append(got, pr.Metadata.Namespace+"/"+pr.Metadata.Name)
	}
	if len(got) != 1 || got[0] != "argo/argoguard-serviceaccounts" {
		t.Errorf("shared reports written: %v; want only argo/argoguard-serviceaccounts", got)
	}
	listed, err := fingerprint(&policy.Snapshot{Settings: settings.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if unlisted, _ := fingerprint(snap); unlisted == listed {
		t.Error("a list turning forbidden does not change the fingerprint")
	}
}
