package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestACD013(t *testing.T) {
	runSSOTable(t, "ACD-013", []ssoCase{
		{name: "true", tweak: setACD("oidc.tls.insecure.skip.verify", "true"), want: 1, contains: "accepts any certificate", action: policy.ActionWarn},
		{name: "false", tweak: setACD("oidc.tls.insecure.skip.verify", "false"), want: 0},
		// Argo CD compares with the exact string "true".
		{name: "True is not true for Argo CD", tweak: setACD("oidc.tls.insecure.skip.verify", "True"), want: 0},
	})
}
