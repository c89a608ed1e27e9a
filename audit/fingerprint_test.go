package audit

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
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
