package rules

import (
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// FuzzDefaults: for any dex.config and sso, the defaults are idempotent
// (a second application patches nothing) and add no finding (mutate then
// validate).
func FuzzDefaults(f *testing.F) {
	f.Add(minimalSAML, "clientId: {name: s, key: id}\nrbac: {enabled: true}\n")
	f.Add(minimalSAML+workflowsClient, "sessionExpiry: 1h\n")
	f.Add("connectors:\n- type: saml\n  config: &c {ssoURL: x}\n- type: saml\n  config: *c\n", "")
	f.Add("x: 1\n", "# only a comment\n")
	set, err := settings.Parse([]byte(awsDefaultsSettings))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, dex, wf string) {
		snap := &policy.Snapshot{Settings: set,
			ArgoCDCM:    &policy.Object{Ref: acdRef, Data: map[string]string{"url": "https://argocd.example.com", "dex.config": dex}},
			WorkflowsCM: &policy.Object{Ref: wfRef, Data: map[string]string{"sso": wf}},
		}
		before, err := evaluate(snap)
		if err != nil {
			t.Fatal(err)
		}
		after := *snap
		after.ArgoCDCM = withData(snap.ArgoCDCM, defaults(snap, snap.ArgoCDCM))
		after.WorkflowsCM = withData(snap.WorkflowsCM, defaults(&after, snap.WorkflowsCM))
		for _, o := range []*policy.Object{after.ArgoCDCM, after.WorkflowsCM} {
			if again := defaults(&after, o); len(again) != 0 {
				t.Fatalf("not idempotent on %s: %v", o.Ref.Name, fields(again))
			}
		}
		got, err := evaluate(&after)
		if err != nil {
			t.Fatal(err)
		}
		had := map[string]bool{}
		for _, f := range before {
			had[f.RuleID+" "+f.Location.Object.Name] = true
		}
		for _, f := range got {
			if !had[f.RuleID+" "+f.Location.Object.Name] {
				t.Fatalf("defaults added %s\ndex.config:\n%s\nsso:\n%s", f.Long(), after.ArgoCDCM.Data["dex.config"], after.WorkflowsCM.Data["sso"])
			}
		}
	})
}
