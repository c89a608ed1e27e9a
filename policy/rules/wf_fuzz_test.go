package rules

import (
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// FuzzSSORules: no ACD, DEX or WF rule panics on any argocd-cm and
// Workflows ConfigMap, with or without Secrets, and every finding has a
// message and a location on a guarded object.
func FuzzSSORules(f *testing.F) {
	f.Add("https://argocd.example.com", minimalSAML+workflowsClient, validSSO, "config", "", true)
	f.Add("https://argocd.example.com/", "connectors: [{type: saml, config: {caData: $x:y, ca: a}}]\n", "scopes: a\nrbac: 1\n", "", "$k", false)
	f.Add("", "logger: {level: debug}\nstaticClients: [{id: argo-cd}, {id: argo-cd}]\n", "clientId: {name: s, key: k}\n", "sso", "x", true)
	set, err := settings.Parse([]byte(awsDefaultsSettings))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, url, dex, ssoText, wfKey, secretValue string, known bool) {
		if wfKey == "" {
			wfKey = "sso"
		}
		s := &policy.Snapshot{
			Settings:    set,
			ArgoCDCM:    &policy.Object{Ref: acdRef, Data: map[string]string{"url": url, "dex.config": dex, "oidc.config": secretValue}},
			WorkflowsCM: &policy.Object{Ref: wfRef, Data: map[string]string{wfKey: ssoText}},
			Secrets: []*policy.Object{
				secret("argo", "s", map[string]string{"k": secretValue}),
				secret("argocd", "x", map[string]string{"y": secretValue}),
			},
			SecretsKnown: known,
			Now:          time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
		}
		fs, err := evaluate(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Message == "" || (f.Location.Object != acdRef && f.Location.Object != wfRef) {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}
