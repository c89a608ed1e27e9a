package rules

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

// sa is a ServiceAccount of namespace argo with an rbac-rule ("" with
// noRule for none) and a precedence ("" for none).
func sa(name, rule, precedence string, secrets ...string) *policy.Object {
	ann := map[string]string{}
	if rule != noRule {
		ann[wfrbac.AnnotationRule] = rule
	}
	if precedence != "" {
		ann[wfrbac.AnnotationPrecedence] = precedence
	}
	var list []any
	for _, s := range secrets {
		list = append(list, map[string]any{"name": s})
	}
	u := map[string]any{"metadata": map[string]any{"name": name, "namespace": "argo", "annotations": toAny(ann)}}
	if list != nil {
		u["secrets"] = list
	}
	return policy.ServiceAccountObject(u)
}

const noRule = "\x00none"

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

const ruleField = "metadata.annotations[workflows.argoproj.io/rbac-rule]"
const precField = "metadata.annotations[workflows.argoproj.io/rbac-rule-precedence]"

type wfsaCase struct {
	name     string
	accounts []*policy.Object
	settings string
	server   string
	// want: "account path action", sorted
	want     []string
	contains string
}

func runWFSATable(t *testing.T, id string, cases []wfsaCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &policy.Snapshot{Settings: settingsFrom(t, tc.settings), ServiceAccounts: tc.accounts, WorkflowsServerAccount: tc.server}
			fs := checkFindings(t, id, s)
			var got []string
			for _, f := range fs {
				got = append(got, f.Location.Object.Name+" "+f.Location.Path+" "+string(f.Action))
			}
			assertFindings(t, id, fs, got, tc.want, tc.contains)
			for _, f := range fs {
				if f.Location.Object.Kind != policy.KindServiceAccount {
					t.Errorf("finding on %v", f.Location.Object)
				}
			}
		})
	}
}

func TestWFSA001Compile(t *testing.T) {
	runWFSATable(t, "WFSA-001", []wfsaCase{
		{name: "boolean rule", accounts: []*policy.Object{sa("dev", "'"+devsID+"' in groups", "1")}},
		{name: "syntax error", accounts: []*policy.Object{sa("dev", "'x' in groups &&", "1")},
			want: []string{"dev " + ruleField + " deny"}, contains: "does not compile"},
		{name: "empty rule", accounts: []*policy.Object{sa("dev", "", "1")}, want: []string{"dev " + ruleField + " deny"}},
		{name: "not a boolean", accounts: []*policy.Object{sa("dev", "1", "1")},
			want: []string{"dev " + ruleField + " deny"}, contains: "boolean"},
		{name: "no rule: not a candidate", accounts: []*policy.Object{sa("dev", noRule, "1")}},
	})
}

func TestWFSA002And003Groups(t *testing.T) {
	display := []*policy.Object{sa("admin", "'argocd-admins' in groups", "1")}
	runWFSATable(t, "WFSA-002", []wfsaCase{
		{name: "display name", accounts: display, settings: awsSettings,
			want: []string{"admin " + ruleField + " deny"}, contains: adminsID},
		{name: "ID", accounts: []*policy.Object{sa("admin", "'"+adminsID+"' in groups", "1")}, settings: awsSettings},
		{name: "provider sends names", accounts: display,
			settings: "identity:\n  provider: generic\n  groups:\n  - {id: argocd-admins}\n"},
		{name: "no settings", accounts: display},
	})
	runWFSATable(t, "WFSA-003", []wfsaCase{
		{name: "unknown group", accounts: []*policy.Object{sa("x", "'11111111-2222-3333-4444-555555555555' in groups", "1")}, settings: awsSettings,
			want: []string{"x " + ruleField + " warn"}},
		{name: "display names are WFSA-002's", accounts: display, settings: awsSettings},
		{name: "no group list", accounts: []*policy.Object{sa("x", "'someone' in groups", "1")}},
	})
}

func TestWFSA004To006Order(t *testing.T) {
	admin := "'" + adminsID + "' in get($env, 'groups')"
	dev := "'" + devsID + "' in get($env, 'groups')"
	runWFSATable(t, "WFSA-004", []wfsaCase{
		{name: "distinct precedences", accounts: []*policy.Object{sa("admin", admin, "10"), sa("dev", dev, "5")}},
		{name: "tie both can match", accounts: []*policy.Object{sa("admin", admin, "5"), sa("dev", dev, "5")},
			want: []string{"dev " + precField + " warn"}, contains: "admin"},
		{name: "tie in different namespaces is no tie", accounts: []*policy.Object{sa("admin", admin, "5"),
			policy.ServiceAccountObject(map[string]any{"metadata": map[string]any{"name": "dev", "namespace": "other",
				"annotations": map[string]any{wfrbac.AnnotationRule: dev, wfrbac.AnnotationPrecedence: "5"}}})}},
	})
	runWFSATable(t, "WFSA-005", []wfsaCase{
		{name: "catch-all at the bottom", accounts: []*policy.Object{sa("admin", admin, "10"), sa("all", "true", "0")}},
		{name: "catch-all above", accounts: []*policy.Object{sa("all", "true", "10"), sa("admin", admin, "5")},
			want: []string{"all " + ruleField + " warn"}, contains: "admin"},
	})
	runWFSATable(t, "WFSA-006", []wfsaCase{
		{name: "tolerant rule above catch-all", accounts: []*policy.Object{sa("admin", admin, "10"), sa("all", "true", "0")}},
		{name: "groups rule above catch-all", accounts: []*policy.Object{sa("admin", "'"+adminsID+"' in groups", "10"), sa("all", "true", "0")},
			want: []string{"admin " + ruleField + " warn"}, contains: "groups claim"},
	})
}

func TestWFSA007ServerAccount(t *testing.T) {
	runWFSATable(t, "WFSA-007", []wfsaCase{
		{name: "manifests' name", accounts: []*policy.Object{sa("argo-server", "true", "0")},
			want: []string{"argo-server " + ruleField + " deny"}},
		{name: "chart's name", accounts: []*policy.Object{sa("argo-workflows-server", "true", "0")},
			want: []string{"argo-workflows-server " + ruleField + " deny"}},
		{name: "named in the snapshot", accounts: []*policy.Object{sa("wf-server", "true", "0"), sa("argo-server", "false", "1")},
			server: "argo/wf-server", want: []string{"wf-server " + ruleField + " deny"}},
		{name: "named in the settings (a Helm release's prefix)", accounts: []*policy.Object{sa("ci-argo-workflows-server", "true", "0")},
			settings: "workflows: {serverServiceAccount: ci-argo-workflows-server}\n", want: []string{"ci-argo-workflows-server " + ruleField + " deny"}},
		{name: "another account", accounts: []*policy.Object{sa("readonly", "true", "0")}},
	})
}

func TestWFSA009Precedence(t *testing.T) {
	runWFSATable(t, "WFSA-009", []wfsaCase{
		{name: "plain", accounts: []*policy.Object{sa("a", "true", "7")}},
		{name: "spaces", accounts: []*policy.Object{sa("a", "true", " 7")},
			want: []string{"a " + precField + " warn"}, contains: "0"},
	})
}

func TestWFSA008TokenSecret(t *testing.T) {
	secret := func(name string) *policy.Object {
		return &policy.Object{Ref: policy.ObjectRef{Kind: "Secret", Namespace: "argo", Name: name}}
	}
	for _, tc := range []struct {
		name    string
		account *policy.Object
		secrets []*policy.Object
		known   bool
		unknown []policy.ObjectRef
		want    int
	}{
		{name: "token Secret present", account: sa("dev", "true", "0"), secrets: []*policy.Object{secret("dev.service-account-token")}, known: true},
		{name: "missing", account: sa("dev", "true", "0"), known: true, want: 1},
		{name: "named in .secrets", account: sa("dev", "true", "0", "dev-token-x"), secrets: []*policy.Object{secret("dev-token-x")}, known: true},
		{name: ".secrets names a missing one", account: sa("dev", "true", "0", "dev-token-x"), secrets: []*policy.Object{secret("dev.service-account-token")}, known: true, want: 1},
		{name: "Secrets not read", account: sa("dev", "true", "0")},
		{name: "lookup failed", account: sa("dev", "true", "0"), known: true,
			unknown: []policy.ObjectRef{{Kind: "Secret", Namespace: "argo", Name: "dev.service-account-token"}}},
		{name: "no rule", account: sa("dev", noRule, "0"), known: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &policy.Snapshot{ServiceAccounts: []*policy.Object{tc.account}, Secrets: tc.secrets, SecretsKnown: tc.known, SecretsUnknown: tc.unknown}
			fs := checkFindings(t, "WFSA-008", s)
			if len(fs) != tc.want {
				t.Fatalf("%d findings, want %d: %v", len(fs), tc.want, fs)
			}
			if tc.want > 0 && (fs[0].Action != policy.ActionWarn || !strings.Contains(fs[0].Message, "does not exist")) {
				t.Errorf("finding %s (%s)", fs[0].Short(), fs[0].Action)
			}
		})
	}
	// The registry runs it only when Secrets were read.
	fs, err := registry.EvaluateOnly(&policy.Snapshot{ServiceAccounts: []*policy.Object{sa("dev", "true", "0")}}, map[string]bool{"WFSA-008": true})
	if err != nil || len(fs) != 0 {
		t.Errorf("without Secrets: %v %v", fs, err)
	}
}

// While the namespace's sso config leaves rbac.enabled off the annotations
// are not read: what would deny is a warning. Another namespace's config,
// or none, changes nothing.
func TestWFSADenyIsWarnWhileRBACIsOff(t *testing.T) {
	wf := func(ns, sso string) *policy.Object {
		return &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: ns, Name: "workflow-controller-configmap"}, Data: map[string]string{"sso": sso}}
	}
	const on = "issuer: https://argocd.example.com/api/dex\nrbac:\n  enabled: true\n"
	const off = "issuer: https://argocd.example.com/api/dex\n"
	for _, tc := range []struct {
		name string
		cm   *policy.Object
		want policy.Action
	}{
		{"no ConfigMap", nil, policy.ActionDeny},
		{"rbac enabled", wf("argo", on), policy.ActionDeny},
		{"rbac off", wf("argo", off), policy.ActionWarn},
		{"rbac off in another namespace", wf("other", off), policy.ActionDeny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &policy.Snapshot{Settings: settingsFrom(t, awsSettings), WorkflowsCM: tc.cm,
				ServiceAccounts: []*policy.Object{sa("admin", "'argocd-admins' in groups", "1")}}
			fs := checkFindings(t, "WFSA-002", s)
			if len(fs) != 1 || fs[0].Action != tc.want {
				t.Fatalf("findings %v, want one %s", fs, tc.want)
			}
		})
	}
}
