package manifest

import (
	"strings"
	"testing"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

const project = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
spec:
  roles:
  - name: developer
    policies:
    - p, proj:team-a:developer, applications, sync, team-a/*, allow
    - |
      p, proj:team-a:developer, applications, get, team-a/*, allow
    groups:
    - g1
`

const ruledAccount = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: dev
  namespace: argo
  annotations:
    workflows.argoproj.io/rbac-rule: "'g1' in groups"
secrets:
- name: dev-token
`

const tokenSecret = `apiVersion: v1
kind: Secret
metadata: {name: dev-token, namespace: argo}
type: kubernetes.io/service-account-token
data:
  token: c2VjcmV0LXRva2Vu
`

func TestLoadRBACObjects(t *testing.T) {
	cases := []struct {
		name                       string
		input                      string
		projects, accounts, tokens []string // namespace/name
		secretsKnown               bool
		note                       string
	}{
		{"project in a kustomize base (no namespace) is Argo CD's", project, []string{"argocd/team-a"}, nil, nil, false, ""},
		{"project of another namespace", strings.Replace(project, "  name: team-a\n", "  name: team-a\n  namespace: other\n", 1), nil, nil, nil, false, "AppProject other/team-a ignored"},
		{"another apiVersion is not Argo CD's", strings.Replace(project, "argoproj.io/v1alpha1", "example.com/v1", 1), nil, nil, nil, false, ""},
		{"rbac-rule account with its token", ruledAccount + "---\n" + tokenSecret, nil, []string{"argo/dev"}, []string{"argo/dev-token"}, true, ""},
		{"account without rbac-rule", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: plain, namespace: argo}\n", nil, nil, nil, false, ""},
		{"rbac-rule account of another namespace", strings.Replace(ruledAccount, "namespace: argo", "namespace: other", 1), nil, nil, nil, false, "ServiceAccount other/dev ignored"},
		{"token Secret of no account", tokenSecret, nil, nil, nil, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := &Loader{Settings: settings.Default()}
			if err := l.Parse("in.yaml", []byte(tc.input)); err != nil {
				t.Fatal(err)
			}
			set := l.Result()
			if got := refs(set.Projects); strings.Join(got, ",") != strings.Join(tc.projects, ",") {
				t.Errorf("projects %v, want %v", got, tc.projects)
			}
			if got := refs(set.ServiceAccounts); strings.Join(got, ",") != strings.Join(tc.accounts, ",") {
				t.Errorf("accounts %v, want %v", got, tc.accounts)
			}
			if got := refs(set.TokenSecrets); strings.Join(got, ",") != strings.Join(tc.tokens, ",") {
				t.Errorf("token Secrets %v, want %v", got, tc.tokens)
			}
			for _, s := range set.TokenSecrets {
				if len(s.Data) > 0 {
					t.Errorf("token Secret %s keeps its data", s.Ref.Name)
				}
			}
			if snap := set.Snapshot(settings.Default(), time.Time{}); snap.SecretsKnown != tc.secretsKnown {
				t.Errorf("secrets known %v", snap.SecretsKnown)
			}
			notes := strings.Join(set.Notes, "\n")
			if (tc.note == "") != (notes == "") || !strings.Contains(notes, tc.note) {
				t.Errorf("notes %q, want %q", notes, tc.note)
			}
		})
	}
}

// Findings on these objects locate a field path; the loader maps each to
// the line its value is on (a block scalar's text starts a line later).
func TestRBACObjectFieldLines(t *testing.T) {
	l := &Loader{Settings: settings.Default()}
	if err := l.Parse("in.yaml", []byte(project+"---\n"+ruledAccount)); err != nil {
		t.Fatal(err)
	}
	set := l.Result()
	cases := []struct {
		obj  *policy.Object
		path string
		line int
	}{
		{set.Projects[0], "spec.roles[0].name", 7},
		{set.Projects[0], "spec.roles[0].policies[0]", 9},
		{set.Projects[0], "spec.roles[0].policies[1]", 11},
		{set.Projects[0], "spec.roles[0].groups[0]", 13},
		{set.ServiceAccounts[0], "metadata.annotations[workflows.argoproj.io/rbac-rule]", 21},
	}
	for _, tc := range cases {
		if got := tc.obj.Source.KeyLines[tc.path]; got != tc.line {
			t.Errorf("%s %s: line %d, want %d", tc.obj.Ref, tc.path, got, tc.line)
		}
	}
}

// The same AppProject twice is refused: which one applies would be a guess.
func TestRBACObjectGivenTwice(t *testing.T) {
	l := &Loader{Settings: settings.Default()}
	err := l.Parse("in.yaml", []byte(project+"---\n"+project))
	if err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("got %v", err)
	}
}

func refs(objs []*policy.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Ref.Namespace+"/"+o.Ref.Name)
	}
	return out
}

// With workflows.namespaceDelegation the rbac-rule accounts of every
// namespace are argo-server's candidates, and so kept with their tokens.
func TestLoadDelegatedNamespaceAccounts(t *testing.T) {
	set := settings.Default()
	set.Workflows.NamespaceDelegation = true
	other := strings.Replace(ruledAccount, "namespace: argo", "namespace: team-a", 1) + "---\n" +
		strings.Replace(tokenSecret, "namespace: argo", "namespace: team-a", 1)
	l := &Loader{Settings: set}
	if err := l.Parse("in.yaml", []byte(ruledAccount+"---\n"+other)); err != nil {
		t.Fatal(err)
	}
	res := l.Result()
	if got := strings.Join(refs(res.ServiceAccounts), ","); got != "argo/dev,team-a/dev" {
		t.Errorf("accounts %s, want both namespaces'", got)
	}
	if got := strings.Join(refs(res.TokenSecrets), ","); got != "team-a/dev-token" {
		t.Errorf("token Secrets %s, want team-a's", got)
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes %q", res.Notes)
	}
}
