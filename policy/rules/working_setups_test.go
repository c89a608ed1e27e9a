package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

// Whole configurations that Argo CD, Dex and Argo Workflows run happily:
// the full catalogue must not deny them (issue "right on real
// configurations"). Each case names the warnings it may give, and a broken
// twin of each setup must still be denied.
func TestWorkingSetupsAreNotDenied(t *testing.T) {
	cases := []struct {
		name string
		// url is argocd-cm url; wfURL the Workflows server's external URL.
		url, wfURL string
		rbac       map[string]string
		settings   string
		// warns are the rule IDs allowed to warn.
		warns []string
	}{
		{name: "local development on localhost over http", url: "http://localhost:8080", wfURL: "http://localhost:2746",
			rbac:     map[string]string{"policy.csv": "g, argocd-admins, role:admin", "policy.default": "role:readonly", "scopes": "[groups]"},
			settings: "argocd: {url: http://localhost:8080}\nworkflows: {url: http://localhost:2746}\nadminGroups: [argocd-admins]\n"},
		{name: "local development on 127.0.0.1", url: "http://127.0.0.1:8080", wfURL: "http://127.0.0.1:2746",
			rbac: map[string]string{"policy.csv": "g, argocd-admins, role:admin", "scopes": "[groups]"}},
		{name: "Argo CD and Workflows under root paths of one host", url: "https://tools.example.com/argocd", wfURL: "https://tools.example.com/workflows",
			rbac:  map[string]string{"policy.csv": "g, argocd-admins, role:admin", "scopes": "[groups]"},
			warns: []string{"WF-003"}},
		{name: "deny by default with a UI extension for everyone", url: "https://argocd.example.com", wfURL: "https://workflows.example.com",
			rbac: map[string]string{
				"policy.csv": "p, role:ext, extensions, invoke, metrics, allow\n" +
					"p, role:dev, applications, get, */*, allow\np, role:dev, applications, sync, dev/*, allow\n" +
					"g, argocd-devs, role:dev\ng, argocd-admins, role:admin\ng, argocd-devs, role:ext",
				"policy.default": "role:none", "scopes": "[groups, email]"}},
		{name: "default role offering the metrics extension", url: "https://argocd.example.com", wfURL: "https://workflows.example.com",
			rbac: map[string]string{
				"policy.csv":     "p, role:base, applications, get, */*, allow\np, role:base, extensions, invoke, metrics, allow\ng, argocd-admins, role:admin",
				"policy.default": "role:base", "scopes": "[groups]"},
			warns: []string{"RBAC-022"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := workingSetup(t, tc.url, tc.wfURL, tc.rbac, tc.settings)
			fs, err := evaluate(s)
			if err != nil {
				t.Fatal(err)
			}
			assertNotDenied(t, fs, tc.warns)
		})
	}
	// The broken twins: same setups with one real fault each.
	broken := []struct {
		name, url, wfURL, rule string
	}{
		{name: "http on a real host", url: "http://argocd.example.com", wfURL: "https://workflows.example.com", rule: "ACD-003"},
		{name: "root path with a trailing slash", url: "https://tools.example.com/argocd/", wfURL: "https://tools.example.com/workflows", rule: "ACD-003"},
		{name: "Workflows callback over http on a real host", url: "https://argocd.example.com", wfURL: "http://workflows.example.com", rule: "WF-003"},
	}
	for _, tc := range broken {
		t.Run("broken: "+tc.name, func(t *testing.T) {
			s := workingSetup(t, tc.url, tc.wfURL, map[string]string{"policy.csv": "g, argocd-admins, role:admin"}, "")
			fs, err := evaluate(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.RuleID == tc.rule && f.Action == policy.ActionDeny {
					return
				}
			}
			t.Errorf("%s did not deny; findings: %v", tc.rule, fs)
		})
	}
}

// workingSetup is a consistent argocd-cm, argocd-rbac-cm and Workflows sso
// for an Argo CD at url and a Workflows server at wfURL: the SAML
// connector's addresses, the Workflows issuer and the static client all
// follow url, as Argo CD derives them.
func workingSetup(t *testing.T, url, wfURL string, rbacData map[string]string, settingsYAML string) *policy.Snapshot {
	t.Helper()
	f := newFixture(t)
	f.settings = settingsYAML
	if f.settings == "" {
		f.settings = "argocd: {url: " + url + "}\nworkflows: {url: " + wfURL + "}\nadminGroups: [argocd-admins]\n"
	}
	cb := strings.TrimRight(url, "/") + "/api/dex/callback"
	f.acd["url"] = url
	f.dex = strings.ReplaceAll(f.dex, "https://argocd.example.com/api/dex/callback", cb)
	f.dex = strings.ReplaceAll(f.dex, "https://workflows.example.com/oauth2/callback", wfURL+"/oauth2/callback")
	f.sso = strings.ReplaceAll(f.sso, "https://argocd.example.com/api/dex", url+"/api/dex")
	f.sso = strings.ReplaceAll(f.sso, "https://workflows.example.com/oauth2/callback", wfURL+"/oauth2/callback")
	f.rbac = rbacData
	return f.snap(t)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// assertNotDenied fails on a deny, and on a warning of a rule not in warns.
func assertNotDenied(t *testing.T, fs []policy.Finding, warns []string) {
	t.Helper()
	for _, f := range fs {
		switch {
		case f.Action == policy.ActionDeny:
			t.Errorf("denied a working setup: %s", f.Short())
		case f.Action == policy.ActionWarn && !containsString(warns, f.RuleID):
			t.Errorf("unexpected warning: %s", f.Short())
		}
	}
}
