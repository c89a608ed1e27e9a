package webhook

import (
	"context"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

func finding(rule string, action policy.Action, line int, msg string) policy.Finding {
	return policy.Finding{RuleID: rule, Action: action, Severity: policy.SeverityHigh, Message: msg,
		Location: policy.Location{Object: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"},
			Key: "policy.csv", Line: line}}
}

func TestDecide(t *testing.T) {
	deny1 := finding("RBAC-007", policy.ActionDeny, 1, `object "/*" never matches`)
	deny1moved := finding("RBAC-007", policy.ActionDeny, 3, `object "/*" never matches`)
	deny2 := finding("RBAC-004", policy.ActionDeny, 6, "display name")
	warn := finding("RBAC-010", policy.ActionWarn, 2, "admin grant")
	audit := finding("RBAC-014", policy.ActionAudit, 1, "extends built-in")
	for _, tc := range []struct {
		name          string
		mode          settings.Mode
		after, before []policy.Finding
		breakGlass    bool
		verdict       Verdict
		denying       int
		warnings      int
	}{
		{"clean", settings.ModeEnforce, nil, nil, false, VerdictAllowed, 0, 0},
		{"new deny", settings.ModeEnforce, []policy.Finding{deny1, warn, audit}, nil, false, VerdictDenied, 1, 1},
		{"audit-action is silent in enforce", settings.ModeEnforce, []policy.Finding{audit}, nil, false, VerdictAllowed, 0, 0},
		{"audit mode warns everything", settings.ModeAudit, []policy.Finding{deny1, warn, audit}, nil, false, VerdictWarned, 0, 3},
		{"pre-existing deny is a warning", settings.ModeEnforce, []policy.Finding{deny1}, []policy.Finding{deny1}, false, VerdictWarned, 0, 1},
		{"moved line is pre-existing", settings.ModeEnforce, []policy.Finding{deny1moved}, []policy.Finding{deny1}, false, VerdictWarned, 0, 1},
		{"a copy of a live problem is new", settings.ModeEnforce, []policy.Finding{deny1, deny1moved}, []policy.Finding{deny1}, false, VerdictDenied, 1, 1},
		{"other rule is new", settings.ModeEnforce, []policy.Finding{deny1, deny2}, []policy.Finding{deny1}, false, VerdictDenied, 1, 1},
		{"break-glass", settings.ModeEnforce, []policy.Finding{deny1, deny2}, nil, true, VerdictBreakGlass, 2, 3},
		{"break-glass with nothing to break", settings.ModeEnforce, []policy.Finding{warn}, nil, true, VerdictWarned, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(rbacRef, tc.mode, tc.after, tc.before, tc.breakGlass)
			if d.Verdict != tc.verdict || len(d.Denying) != tc.denying || len(d.Warnings) != tc.warnings {
				t.Errorf("verdict %s, %d denying, %d warnings %q; want %s, %d, %d",
					d.Verdict, len(d.Denying), len(d.Warnings), d.Warnings, tc.verdict, tc.denying, tc.warnings)
			}
		})
	}
}

var rbacRef = policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}

func TestWarningsNameOtherObjects(t *testing.T) {
	f := finding("RBAC-007", policy.ActionWarn, 4, `object "/*" never matches`)
	argocdCM := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}
	if w := Decide(argocdCM, settings.ModeEnforce, []policy.Finding{f}, nil, false).Warnings; len(w) != 1 ||
		w[0] != `RBAC-007: argocd-rbac-cm data["policy.csv"] line 4: object "/*" never matches` {
		t.Errorf("warning about another object: %q", w)
	}
	if w := Decide(rbacRef, settings.ModeEnforce, []policy.Finding{f}, nil, false).Warnings; len(w) != 1 ||
		w[0] != `RBAC-007: data["policy.csv"] line 4: object "/*" never matches` {
		t.Errorf("warning about the changed object: %q", w)
	}
}

func TestDecideCapsWarnings(t *testing.T) {
	var many []policy.Finding
	for i := 0; i < 60; i++ {
		many = append(many, finding("RBAC-014", policy.ActionAudit, i+1, strings.Repeat("long message ", 20)))
	}
	d := Decide(rbacRef, settings.ModeAudit, many, nil, false)
	if len(d.Warnings) != maxWarnings || !strings.Contains(d.Warnings[maxWarnings-1], "36 more findings") {
		t.Fatalf("%d warnings, last %q", len(d.Warnings), d.Warnings[len(d.Warnings)-1])
	}
	for _, w := range d.Warnings {
		if len([]rune(w)) > maxWarningLen || strings.Contains(w, "\n") {
			t.Errorf("warning too long or multi-line: %q", w)
		}
	}
}

func TestBreakGlassMatch(t *testing.T) {
	bg := settings.BreakGlass{Users: []string{"alice"}, Groups: []string{"oncall"}, ServiceAccounts: []string{"ops/fixer"}}
	for _, tc := range []struct {
		user   authenticationv1.UserInfo
		expect string
	}{
		{authenticationv1.UserInfo{Username: "alice"}, "user alice"},
		{authenticationv1.UserInfo{Username: "bob", Groups: []string{"dev", "oncall"}}, "group oncall"},
		{authenticationv1.UserInfo{Username: "system:serviceaccount:ops:fixer"}, "serviceaccount ops/fixer"},
		{authenticationv1.UserInfo{Username: "system:serviceaccount:ops:other"}, ""},
		{authenticationv1.UserInfo{Username: ""}, ""},
	} {
		if got := breakGlassMatch(bg, tc.user); got != tc.expect {
			t.Errorf("%+v: %q, want %q", tc.user, got, tc.expect)
		}
	}
}

func TestReferencedSecretsOfTheGuide(t *testing.T) {
	set := guideSettings(t)
	snap, err := (&snapshot.Source{Reader: guideCluster(t, "as-written")}).Build(context.Background(), set, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range snapshot.ReferencedSecrets(snap) {
		got = append(got, r.Namespace+"/"+r.Name)
	}
	// sso.clientId/clientSecret name argocd-sso-secret: looked up where
	// Workflows reads it (argo) and where the guide left it (argocd).
	if strings.Join(got, " ") != "argo/argocd-sso-secret argocd/argocd-sso-secret" {
		t.Errorf("referenced Secrets %v", got)
	}

	cm := &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}, Data: map[string]string{
		"oidc.config": "clientID: $oidc-secret:client-id\nclientSecret: $oidc.clientSecret\n",
	}}
	got = nil
	for _, r := range snapshot.ReferencedSecrets(&policy.Snapshot{Settings: set, ArgoCDCM: cm}) {
		got = append(got, r.Namespace+"/"+r.Name)
	}
	if strings.Join(got, " ") != "argocd/argocd-secret argocd/oidc-secret" {
		t.Errorf("argocd-cm references %v", got)
	}
}

func TestSnapshotReadsSecretsOnlyWhenAllowed(t *testing.T) {
	set := guideSettings(t)
	reader := guideCluster(t, "as-written")
	reader.Objects = append(reader.Objects, &policy.Object{
		Ref: policy.ObjectRef{Kind: "Secret", Namespace: "argocd", Name: "argocd-sso-secret"}, Data: map[string]string{"client-id": "x"}})
	src := &snapshot.Source{Reader: reader}
	snap, _ := src.Build(context.Background(), set, nil)
	if snap.SecretsKnown || len(snap.Secrets) != 0 {
		t.Fatal("Secrets read although settings.secrets.read is false")
	}
	set.Secrets.Read = true
	snap, _ = src.Build(context.Background(), set, nil)
	if !snap.SecretsKnown || len(snap.Secrets) != 1 || snap.Secret("argocd", "argocd-sso-secret") == nil {
		t.Fatalf("Secrets not read when allowed: known=%v %d", snap.SecretsKnown, len(snap.Secrets))
	}
}

// A denial's causes read as apimachinery's field errors: the field is a
// field path of the changed object, and the line, the YAML path or another
// object go in the message.
func TestStatusCauseFieldIsAFieldPath(t *testing.T) {
	rbacCM := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	argoCM := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-cm"}
	for _, tc := range []struct {
		name       string
		loc        policy.Location
		field, msg string
	}{
		{"line", policy.Location{Object: rbacCM, Key: "policy.csv", Line: 4}, "data[policy.csv]", "RBAC-002 (line 4): m"},
		{"yaml path", policy.Location{Object: rbacCM, Key: "dex.config", Path: "connectors[0].config", Line: 7}, "data[dex.config]", "RBAC-002 (connectors[0].config, line 7): m"},
		{"whole key", policy.Location{Object: rbacCM, Key: "policy.default"}, "data[policy.default]", "RBAC-002: m"},
		{"another object", policy.Location{Object: argoCM, Key: "url", Line: 2}, "", `RBAC-002 (ConfigMap argocd/argocd-cm data["url"] line 2): m`},
		{"whole object", policy.Location{Object: rbacCM}, "", "RBAC-002: m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := statusCause(rbacCM, policy.Finding{RuleID: "RBAC-002", Location: tc.loc, Message: "m"})
			if c.Field != tc.field || c.Message != tc.msg || c.Type != "FieldValueInvalid" {
				t.Errorf("cause = %+v, want field %q message %q", c, tc.field, tc.msg)
			}
		})
	}
}
