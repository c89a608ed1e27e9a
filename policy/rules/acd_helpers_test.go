package rules

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// ssoFixture is the "minimal valid object + tweak" fixture of the SSO
// rules: the guide's fixed configuration, which no SSO rule reports.
type ssoFixture struct {
	acd      map[string]string // argocd-cm data (dex.config from dex)
	dex      string
	sso      string            // workflow-controller-configmap sso
	wf       map[string]string // replaces the Workflows data when set
	rbac     map[string]string // argocd-rbac-cm data; nil: none
	secrets  []*policy.Object
	known    bool // SecretsKnown
	settings string
	now      time.Time
}

// secretValue is in the fixture's Secrets; no message may contain it.
const secretValue = "s3cr3t-client-secret-value"

func guideCertBase64(t testing.TB) string {
	pem, err := os.ReadFile(filepath.Join(guideDir, "idp-cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(pem)
}

func validDex(t testing.TB) string {
	return `logger:
  level: info
connectors:
- type: saml
  id: aws
  name: AWS IAM Identity Center
  config:
    ssoURL: https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzQ1Njc4OTAx
    caData: ` + guideCertBase64(t) + `
    entityIssuer: https://argocd.example.com/api/dex/callback
    redirectURI: https://argocd.example.com/api/dex/callback
    usernameAttr: email
    emailAttr: email
    groupsAttr: groups
staticClients:
- id: argo-workflows-sso
  name: Argo Workflows
  redirectURIs:
  - https://workflows.example.com/oauth2/callback
  secretEnv: ARGO_WORKFLOWS_SSO_CLIENT_SECRET
`
}

const validSSO = `issuer: https://argocd.example.com/api/dex
clientId:
  name: argo-workflows-sso
  key: client-id
clientSecret:
  name: argo-workflows-sso
  key: client-secret
redirectUrl: https://workflows.example.com/oauth2/callback
scopes: [groups, email]
rbac:
  enabled: true
sessionExpiry: 8h
`

const fixtureSettings = `
argocd: {url: https://argocd.example.com}
workflows: {url: https://workflows.example.com}
identity: {provider: aws-iam-identity-center}
`

func newFixture(t testing.TB) *ssoFixture {
	return &ssoFixture{
		acd:      map[string]string{"url": "https://argocd.example.com", "admin.enabled": "false"},
		dex:      validDex(t),
		sso:      validSSO,
		settings: fixtureSettings,
		now:      guideNow,
		known:    true,
		secrets: []*policy.Object{
			secret("argo", "argo-workflows-sso", map[string]string{"client-id": "argo-workflows-sso", "client-secret": secretValue}),
		},
	}
}

func secret(ns, name string, data map[string]string) *policy.Object {
	return &policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: ns, Name: name},
		Labels: map[string]string{"app.kubernetes.io/part-of": "argocd"}, Data: data}
}

func (f *ssoFixture) snap(t testing.TB) *policy.Snapshot {
	t.Helper()
	set, err := settings.Parse([]byte(f.settings))
	if err != nil {
		t.Fatal(err)
	}
	acd := map[string]string{}
	for k, v := range f.acd {
		acd[k] = v
	}
	if f.dex != "" {
		acd["dex.config"] = f.dex
	}
	wf := f.wf
	if wf == nil {
		wf = map[string]string{"sso": f.sso}
	}
	s := &policy.Snapshot{
		Settings:     set,
		ArgoCDCM:     &policy.Object{Ref: acdRef, Data: acd},
		WorkflowsCM:  &policy.Object{Ref: wfRef, Data: wf},
		Secrets:      f.secrets,
		SecretsKnown: f.known,
		Now:          f.now,
	}
	if f.rbac != nil {
		s.RBACCM = &policy.Object{Ref: rbacRef, Data: f.rbac}
	}
	return s
}

// ssoCase is one row of an SSO rule table: a tweak of the valid fixture
// and what the rule must say.
type ssoCase struct {
	name  string
	tweak func(f *ssoFixture)
	// want is the number of findings; contains is a substring of each
	// finding's message (when set); path/line the location of the first.
	want     int
	contains string
	path     string
	line     int
	// action, when set, is the effective action every finding must have.
	action policy.Action
}

// runSSOTable runs one rule over the table. The untouched fixture must
// give nothing, so every row tests the tweak alone.
func runSSOTable(t *testing.T, id string, cases []ssoCase) {
	t.Helper()
	rule, ok := registry.Rule(id)
	if !ok {
		t.Fatalf("rule %s not registered", id)
	}
	if got := rule.Check(newFixture(t).snap(t)); len(got) != 0 {
		t.Fatalf("%s reports the valid fixture: %+v", id, got)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.tweak(f)
			s := f.snap(t)
			var got []policy.Finding
			if !rule.ClusterOnly || s.SecretsKnown {
				got = rule.Check(s)
			}
			if len(got) != tc.want {
				t.Fatalf("%d findings, want %d: %+v", len(got), tc.want, got)
			}
			for _, fd := range got {
				if fd.Message == "" || fd.Fix == "" || fd.Location.Object.Name == "" || fd.Location.Key == "" {
					t.Errorf("finding lacks message, fix or location: %+v", fd)
				}
				if tc.contains != "" && !strings.Contains(fd.Message, tc.contains) {
					t.Errorf("message %q lacks %q", fd.Message, tc.contains)
				}
				if got := orAction(fd.Action, rule.Action); tc.action != "" && got != tc.action {
					t.Errorf("finding %q has action %s, want %s", fd.Message, got, tc.action)
				}
				if strings.Contains(fd.Long(), secretValue) {
					t.Errorf("finding shows a secret value: %s", fd.Long())
				}
			}
			if len(got) > 0 {
				if tc.path != "" && got[0].Location.Path != tc.path {
					t.Errorf("path %q, want %q", got[0].Location.Path, tc.path)
				}
				if tc.line != 0 && got[0].Location.Line != tc.line {
					t.Errorf("line %d, want %d", got[0].Location.Line, tc.line)
				}
			}
		})
	}
}

// replace tweaks the dex.config text (the old text must be there).
func replaceDex(old, new string) func(f *ssoFixture) {
	return func(f *ssoFixture) {
		if !strings.Contains(f.dex, old) {
			panic("fixture has no " + old)
		}
		f.dex = strings.Replace(f.dex, old, new, 1)
	}
}

func replaceSSO(old, new string) func(f *ssoFixture) {
	return func(f *ssoFixture) {
		if !strings.Contains(f.sso, old) {
			panic("fixture has no " + old)
		}
		f.sso = strings.Replace(f.sso, old, new, 1)
	}
}

func setACD(kv ...string) func(f *ssoFixture) {
	return func(f *ssoFixture) {
		for i := 0; i+1 < len(kv); i += 2 {
			f.acd[kv[i]] = kv[i+1]
		}
	}
}

// orAction is a finding's effective action without settings overrides.
func orAction(a, def policy.Action) policy.Action {
	if a != "" {
		return a
	}
	return def
}
