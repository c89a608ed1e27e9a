package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

var (
	acdRef = policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}
	wfRef  = policy.ObjectRef{Kind: "ConfigMap", Namespace: "argo", Name: "workflow-controller-configmap"}
)

const awsDefaultsSettings = `
argocd: {url: https://argocd.example.com}
workflows: {url: https://workflows.example.com}
identity: {provider: aws-iam-identity-center}
`

func defaultsSettings(t *testing.T) *settings.Settings {
	t.Helper()
	set, err := settings.Parse([]byte(awsDefaultsSettings))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// minimalSAML is a SAML connector with only what Dex needs from the user.
const minimalSAML = `connectors:
- type: saml
  id: aws
  name: AWS
  config:
    ssoURL: https://portal.sso.us-east-1.amazonaws.com/saml/assertion/abc
    caData: Zm9v # base64 of the IdP certificate
`

const workflowsClient = `staticClients:
- id: argo-workflows-sso
  name: Argo Workflows
  redirectURIs: [https://workflows.example.com/oauth2/callback]
  secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET
`

func fields(ps []policy.Patch) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key+":"+p.Field)
		if p.Reason == "" || p.Field == "" {
			panic("patch without reason or field")
		}
	}
	return out
}

func TestDefaults(t *testing.T) {
	set := defaultsSettings(t)
	for _, tc := range []struct {
		name string
		obj  *policy.Object
		want []string
		// check reads the defaulted object.
		check func(t *testing.T, o *policy.Object)
	}{
		{
			name: "saml fills addresses and AWS attributes",
			obj:  &policy.Object{Ref: acdRef, Data: map[string]string{"url": "https://argocd.example.com", "dex.config": minimalSAML}},
			want: []string{
				"dex.config:connectors[0].config.redirectURI", "dex.config:connectors[0].config.entityIssuer",
				"dex.config:connectors[0].config.usernameAttr", "dex.config:connectors[0].config.emailAttr",
				"dex.config:connectors[0].config.groupsAttr", "dex.config:connectors[0].config.nameIDPolicyFormat",
			},
			check: func(t *testing.T, o *policy.Object) {
				d, err := sso.ParseDex(o.Data["dex.config"])
				if err != nil {
					t.Fatal(err)
				}
				sc := d.Connectors[0].SAML
				if sc.RedirectURI.Value != "https://argocd.example.com/api/dex/callback" || sc.EntityIssuer.Value != sc.RedirectURI.Value ||
					sc.UsernameAttr.Value != "email" || sc.GroupsAttr.Value != "groups" || sc.NameIDPolicyFormat.Value != "persistent" {
					t.Errorf("defaulted SAML: %+v", sc)
				}
				if sc.SSOURL.Value != "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/abc" || sc.CAData.Value != "Zm9v" {
					t.Errorf("user values changed: %+v", sc)
				}
				if !strings.Contains(o.Data["dex.config"], "# base64 of the IdP certificate") {
					t.Errorf("comment lost:\n%s", o.Data["dex.config"])
				}
			},
		},
		{
			name: "saml never overrides",
			obj: &policy.Object{Ref: acdRef, Data: map[string]string{"url": "https://argocd.example.com", "dex.config": minimalSAML +
				"    redirectURI: https://other.example.com/cb\n    entityIssuer: urn:me\n    usernameAttr: name\n    emailAttr: mail\n    GroupsAttr: g\n    nameIDPolicyFormat: emailAddress\n"}},
			want: nil,
		},
		{
			name: "saml without url: only AWS attributes",
			obj:  &policy.Object{Ref: acdRef, Data: map[string]string{"dex.config": minimalSAML}},
			want: []string{"dex.config:connectors[0].config.usernameAttr", "dex.config:connectors[0].config.emailAttr",
				"dex.config:connectors[0].config.groupsAttr", "dex.config:connectors[0].config.nameIDPolicyFormat"},
		},
		{
			name: "broken dex.config is left alone",
			obj:  &policy.Object{Ref: acdRef, Data: map[string]string{"url": "https://argocd.example.com", "dex.config": "connectors: saml\n"}},
			want: nil,
		},
		{
			name: "rbac match mode and scopes",
			obj:  &policy.Object{Ref: rbacRef, Data: map[string]string{"policy.csv": "g, team, role:admin\n"}},
			want: []string{"policy.matchMode:policy.matchMode", "scopes:scopes"},
			check: func(t *testing.T, o *policy.Object) {
				if o.Data["policy.matchMode"] != "glob" || o.Data["scopes"] != "[groups]" {
					t.Errorf("data %v", o.Data)
				}
			},
		},
		{
			name: "rbac scopes with e-mail subjects",
			obj:  &policy.Object{Ref: rbacRef, Data: map[string]string{"policy.csv": "g, alice@example.com, role:admin\n", "policy.matchMode": "glob"}},
			want: []string{"scopes:scopes"},
			check: func(t *testing.T, o *policy.Object) {
				if o.Data["scopes"] != "[groups, email]" {
					t.Errorf("scopes %q", o.Data["scopes"])
				}
			},
		},
		{
			name: "rbac never overrides",
			obj:  &policy.Object{Ref: rbacRef, Data: map[string]string{"policy.matchMode": "regex", "scopes": "[email]"}},
			want: nil,
		},
		{
			name: "workflows sso",
			obj: &policy.Object{Ref: wfRef, Data: map[string]string{"sso": "clientId: {name: s, key: client-id}\n" +
				"clientSecret: {name: s, key: client-secret}\nrbac:\n  enabled: true\n"}},
			want: []string{"sso:issuer", "sso:redirectUrl", "sso:scopes", "sso:sessionExpiry"},
			check: func(t *testing.T, o *policy.Object) {
				w := sso.ParseWorkflows(o.Data)
				if len(w.Problems) > 0 || w.Issuer.Value != "https://argocd.example.com/api/dex" ||
					w.RedirectURL.Value != "https://workflows.example.com/oauth2/callback" || !w.HasScope("groups") || !w.HasScope("email") ||
					w.SessionExpiry.Value != "10h" || w.ClientID.Name.Value != "s" {
					t.Errorf("defaulted sso: %+v %v", w, w.Problems)
				}
			},
		},
		{
			name: "workflows config key",
			obj:  &policy.Object{Ref: wfRef, Data: map[string]string{"config": "parallelism: 5\nsso:\n  issuer: https://dex.example.com\n"}},
			want: []string{"config:sso.redirectUrl", "config:sso.sessionExpiry"},
			check: func(t *testing.T, o *policy.Object) {
				w := sso.ParseWorkflows(o.Data)
				if w.Issuer.Value != "https://dex.example.com" || !strings.Contains(o.Data["config"], "parallelism: 5") {
					t.Errorf("config: %s", o.Data["config"])
				}
			},
		},
		{
			name: "workflows never overrides, no scopes without rbac",
			obj: &policy.Object{Ref: wfRef, Data: map[string]string{"sso": "issuer: https://x.example.com/api/dex\n" +
				"redirectUrl: https://w2.example.com/oauth2/callback\nsessionExpiry: 2h\n"}},
			want: nil,
		},
		{
			name: "workflows config Argo Workflows refuses is left alone",
			obj:  &policy.Object{Ref: wfRef, Data: map[string]string{"sso": "scopes: groups\n"}},
			want: nil,
		},
		{
			name: "other objects are left alone",
			obj:  &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "other"}, Data: map[string]string{"dex.config": minimalSAML}},
			want: nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Argo CD's Dex serves Workflows: the issuer default applies.
			snap := &policy.Snapshot{Settings: set, ArgoCDCM: &policy.Object{Ref: acdRef, Data: map[string]string{
				"url": "https://argocd.example.com", "dex.config": minimalSAML + workflowsClient}}}
			patches := defaults(snap, tc.obj)
			if got := strings.Join(fields(patches), " "); got != strings.Join(tc.want, " ") {
				t.Fatalf("patches %s\nwant     %s", got, strings.Join(tc.want, " "))
			}
			out := withData(tc.obj, patches)
			if tc.check != nil {
				tc.check(t, out)
			}
			// Idempotent: the defaulted object gets no further patches.
			if again := defaults(snap, out); len(again) != 0 {
				t.Errorf("second application patched %v", fields(again))
			}
		})
	}
}

// Mutate then validate: applying the defaults never adds a finding.
func TestDefaultsAddNoFindings(t *testing.T) {
	for _, variant := range []string{"as-written", "fixed"} {
		t.Run(variant, func(t *testing.T) {
			snap := guideManifests(t, filepath.Join(guideDir, variant))
			before := findingKeys(t, snap)
			after := *snap
			for _, slot := range []**policy.Object{&after.ArgoCDCM, &after.RBACCM, &after.WorkflowsCM} {
				if *slot != nil {
					*slot = withData(*slot, defaults(snap, *slot))
				}
			}
			for k := range findingKeys(t, &after) {
				if !before[k] {
					t.Errorf("defaults added finding %s", k)
				}
			}
		})
	}
	// A bare configuration gets many defaults; none may add a finding.
	set := defaultsSettings(t)
	snap := &policy.Snapshot{Settings: set,
		ArgoCDCM:    &policy.Object{Ref: acdRef, Data: map[string]string{"url": "https://argocd.example.com", "admin.enabled": "false", "dex.config": minimalSAML}},
		RBACCM:      &policy.Object{Ref: rbacRef, Data: map[string]string{"policy.csv": "g, alice@example.com, role:admin\n"}},
		WorkflowsCM: &policy.Object{Ref: wfRef, Data: map[string]string{"sso": "clientId: {name: s, key: id}\nclientSecret: {name: s, key: secret}\nrbac: {enabled: true}\n"}},
	}
	before := findingKeys(t, snap)
	after := *snap
	after.ArgoCDCM = withData(snap.ArgoCDCM, defaults(snap, snap.ArgoCDCM))
	after.RBACCM = withData(snap.RBACCM, defaults(snap, snap.RBACCM))
	after.WorkflowsCM = withData(snap.WorkflowsCM, defaults(&after, snap.WorkflowsCM))
	for k := range findingKeys(t, &after) {
		if !before[k] {
			t.Errorf("defaults added finding %s", k)
		}
	}
}

func findingKeys(t *testing.T, s *policy.Snapshot) map[string]bool {
	t.Helper()
	fs, err := evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range fs {
		out[f.RuleID+" "+f.Location.Object.Name+" "+f.Message] = true
	}
	return out
}

// Without a static client for the Workflows callback, Argo CD's Dex does
// not serve Workflows: its issuer is not a safe default.
func TestWorkflowsIssuerNeedsDexClient(t *testing.T) {
	set := defaultsSettings(t)
	snap := &policy.Snapshot{Settings: set, ArgoCDCM: &policy.Object{Ref: acdRef, Data: map[string]string{
		"url": "https://argocd.example.com", "dex.config": minimalSAML}}}
	obj := &policy.Object{Ref: wfRef, Data: map[string]string{"sso": "sessionExpiry: 1h\n"}}
	if got := strings.Join(fields(defaults(snap, obj)), " "); got != "sso:redirectUrl" {
		t.Errorf("patches %s, want only sso:redirectUrl", got)
	}
}
