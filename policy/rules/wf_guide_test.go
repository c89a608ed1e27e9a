package rules

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/internal/guidetest"
	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

// guideNow is a day on which the guide's IdP certificate is valid.
var guideNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// guideManifests loads the guide's files with the manifest loader (as the
// CLI does) and returns the snapshot.
func guideManifests(t testing.TB, paths ...string) *policy.Snapshot {
	t.Helper()
	set, err := settingsfile.Load(filepath.Join(guideDir, "argoguard-settings.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := manifest.Load(set, nil, paths...)
	if err != nil {
		t.Fatal(err)
	}
	return ms.Snapshot(set, guideNow)
}

// ssoFindings evaluates the catalogue and returns "RULE object" for every
// non-RBAC finding, sorted.
func ssoFindings(t *testing.T, s *policy.Snapshot) []string {
	t.Helper()
	fs, err := evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if strings.HasPrefix(f.RuleID, "RBAC-") {
			continue
		}
		t.Log(f.Long())
		out = append(out, f.RuleID+" "+string(f.Action)+" "+f.Location.Object.Name)
	}
	sort.Strings(out)
	return out
}

func TestGuideAsWrittenSSOFindings(t *testing.T) {
	got := ssoFindings(t, guideManifests(t, filepath.Join(guideDir, "as-written")))
	want := []string{
		"ACD-005 warn argocd-cm",
		"ACD-009 warn argocd-cm",
		"WF-003 deny workflow-controller-configmap",
		"WF-004 deny workflow-controller-configmap",
		"WF-005 deny workflow-controller-configmap",
		"WF-006 warn workflow-controller-configmap",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Copying the Secret into argo (the guide's advice) swaps WF-005 for WF-010.
func TestGuideSecretCopiedSSOFindings(t *testing.T) {
	dir := guidetest.SecretCopied(t, "copied-secret.yaml")
	got := ssoFindings(t, guideManifests(t, dir))
	want := []string{
		"ACD-005 warn argocd-cm",
		"ACD-009 warn argocd-cm",
		"WF-003 deny workflow-controller-configmap",
		"WF-004 deny workflow-controller-configmap",
		"WF-006 warn workflow-controller-configmap",
		"WF-010 deny workflow-controller-configmap",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	fs, _ := evaluate(guideManifests(t, dir))
	for _, f := range fs {
		for _, secret := range []string{"portal.sso", "some-random-secure-string"} {
			if f.RuleID == "WF-010" && strings.Contains(f.Long(), secret) {
				t.Errorf("WF-010 shows a secret value: %s", f.Long())
			}
		}
	}
}

func TestGuideFixedSSOHasNoDenyOrWarn(t *testing.T) {
	for _, f := range ssoFindingsRaw(t, guideManifests(t, filepath.Join(guideDir, "fixed"))) {
		if f.Action != policy.ActionAudit {
			t.Errorf("fixed configuration: %s", f.Long())
		}
	}
}

func ssoFindingsRaw(t *testing.T, s *policy.Snapshot) []policy.Finding {
	fs, err := evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}
