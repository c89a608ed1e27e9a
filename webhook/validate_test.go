package webhook

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// guideCluster is the guide's live state in variant (as-written or fixed).
func guideCluster(t testing.TB, variant string) *snapshot.StaticReader {
	return cluster(
		guideConfigMap(t, variant, "argocd-cm.yaml"),
		guideConfigMap(t, variant, "argocd-rbac-cm.yaml"),
		guideConfigMap(t, variant, "workflow-controller-configmap.yaml"))
}

func ruleIDsIn(s string, ids ...string) []string {
	var missing []string
	for _, id := range ids {
		if !strings.Contains(s, id) {
			missing = append(missing, id)
		}
	}
	return missing
}

func TestEnforceDeniesGuideRBACWithEveryFinding(t *testing.T) {
	set := guideSettings(t)
	rbac := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	h := validator(set, guideCluster(t, "fixed"))
	resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac, uid: "uid-1"}))

	if resp.Allowed {
		t.Fatal("as-written argocd-rbac-cm allowed in enforce mode")
	}
	if resp.UID != "uid-1" {
		t.Errorf("response uid %q, want the request's", resp.UID)
	}
	st := resp.Result
	if st == nil || st.Code != http.StatusUnprocessableEntity || st.Reason != "Invalid" {
		t.Fatalf("want a 422 Invalid status, got %+v", st)
	}
	// expected-findings.md: RBAC-007 on lines 1, 4, 5 and RBAC-004 on line 6.
	for _, want := range []string{
		`RBAC-007 (high) ConfigMap argocd/argocd-rbac-cm data["policy.csv"] line 1:`,
		`data["policy.csv"] line 4:`, `data["policy.csv"] line 5:`,
		`RBAC-004`, `data["policy.csv"] line 6:`, "Fix:",
	} {
		if !strings.Contains(st.Message, want) {
			t.Errorf("denial message lacks %q:\n%s", want, st.Message)
		}
	}
	if strings.Contains(st.Message, "RBAC-014") {
		t.Errorf("audit-action RBAC-014 must not be in the denial:\n%s", st.Message)
	}
	if n := strings.Count(st.Message, "\n- "); n != 4 {
		t.Errorf("denial lists %d findings, want 4:\n%s", n, st.Message)
	}
	// Each cause's field is a valid field path; the line is in its message.
	causes := map[string]bool{}
	for _, c := range st.Details.Causes {
		if c.Field != "data[policy.csv]" {
			t.Errorf("status cause field %q is not the field path data[policy.csv]", c.Field)
		}
		causes[c.Message[:strings.Index(c.Message, ")")+1]] = true
	}
	for _, want := range []string{"RBAC-007 (line 1)", "RBAC-004 (line 6)"} {
		if !causes[want] {
			t.Errorf("no status cause %q: %+v", want, st.Details.Causes)
		}
	}
}

func TestEnforceAllowsFixedGuide(t *testing.T) {
	set := guideSettings(t)
	h := validator(set, guideCluster(t, "fixed"))
	for _, file := range []string{"argocd-cm.yaml", "argocd-rbac-cm.yaml", "workflow-controller-configmap.yaml"} {
		cm := guideConfigMap(t, "fixed", file)
		resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: cm, old: cm}))
		if !resp.Allowed {
			t.Errorf("fixed %s denied: %s", file, resp.Result.Message)
		}
	}
}

func TestAuditModeAllowsWithShortWarnings(t *testing.T) {
	set := withMode(guideSettings(t), settings.ModeAudit)
	rbac := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	resp := post(t, validator(set, guideCluster(t, "fixed")), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
	if !resp.Allowed {
		t.Fatalf("audit mode denied: %v", resp.Result)
	}
	all := strings.Join(resp.Warnings, "\n")
	if m := ruleIDsIn(all, "RBAC-007", "RBAC-004", "RBAC-014"); len(m) > 0 {
		t.Errorf("warnings lack %v:\n%s", m, all)
	}
	for _, w := range resp.Warnings {
		if n := utf8.RuneCountInString(w); n > maxWarningLen {
			t.Errorf("warning of %d characters: %q", n, w)
		}
		if !strings.HasPrefix(w, "RBAC-") {
			t.Errorf("warning does not start with its rule ID: %q", w)
		}
	}
}

// fixLine replaces one policy.csv line of the guide's argocd-rbac-cm.
func withPolicyLine(cm *corev1.ConfigMap, old, new string) *corev1.ConfigMap {
	c := cm.DeepCopy()
	c.Data["policy.csv"] = strings.Replace(c.Data["policy.csv"], old, new, 1)
	return c
}

func TestNeverBlockAFix(t *testing.T) {
	set := guideSettings(t)
	live := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	h := validator(set, guideCluster(t, "as-written"))

	// Step 1: repair line 1 only; lines 4-6 stay broken. Allowed, the
	// remaining problems as warnings.
	step1 := withPolicyLine(live, "applications, get, /*", "applications, get, */*")
	resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: step1, old: live}))
	if !resp.Allowed {
		t.Fatalf("a partial repair was denied: %s", resp.Result.Message)
	}
	all := strings.Join(resp.Warnings, "\n")
	if !strings.Contains(all, `RBAC-007: data["policy.csv"] line 4`) || !strings.Contains(all, "already live") {
		t.Errorf("remaining live problems not shown as warnings:\n%s", all)
	}
	if strings.Contains(all, `line 1: object "/*"`) {
		t.Errorf("the repaired line still warns:\n%s", all)
	}

	// Moving a bad line (an edit above it) is not a new problem either.
	moved := step1.DeepCopy()
	moved.Data["policy.csv"] = "p, role:ops, logs, get, */*, allow\n" + step1.Data["policy.csv"]
	if resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: moved, old: step1})); !resp.Allowed {
		t.Fatalf("an edit that only moves live problems was denied: %s", resp.Result.Message)
	}

	// A new problem in the same update is still denied, and only it is listed,
	// even when it repeats a live problem's text on another line.
	worse := withPolicyLine(step1, "p, role:readonly, clusters, get, *, allow",
		"p, role:readonly, clusters, get, *, allow\np, role:admin, applications, delete, /*, allow")
	resp = post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: worse, old: step1}))
	if resp.Allowed {
		t.Fatal("a new RBAC-007 problem was allowed because the old object had the same kind")
	}
	if n := strings.Count(resp.Result.Message, "\n- "); n != 1 || !strings.Contains(resp.Result.Message, "RBAC-007") {
		t.Errorf("denial should list exactly the one new problem:\n%s", resp.Result.Message)
	}
}

func TestBreakGlass(t *testing.T) {
	set := guideSettings(t)
	set.BreakGlass = settings.BreakGlass{Users: []string{"alice@example.com"}, Groups: []string{"platform-oncall"},
		ServiceAccounts: []string{"ops/fixer"}}
	rbac := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	h := validator(set, guideCluster(t, "fixed"))
	for _, tc := range []struct {
		name    string
		user    string
		groups  []string
		allowed bool
	}{
		{"listed user", "alice@example.com", nil, true},
		{"listed group", "bob@example.com", []string{"platform-oncall"}, true},
		{"listed service account", "system:serviceaccount:ops:fixer", nil, true},
		{"other user", "bob@example.com", []string{"developers"}, false},
		{"service account elsewhere", "system:serviceaccount:dev:fixer", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac, user: tc.user, groups: tc.groups}))
			if resp.Allowed != tc.allowed {
				t.Fatalf("allowed = %v, want %v", resp.Allowed, tc.allowed)
			}
			if tc.allowed {
				all := strings.Join(resp.Warnings, "\n")
				if !strings.Contains(all, "break-glass") || !strings.Contains(all, "RBAC-007") {
					t.Errorf("break-glass answer lacks its warnings:\n%s", all)
				}
			}
		})
	}
}

func TestDryRunGetsTheSameVerdict(t *testing.T) {
	set := guideSettings(t)
	h := validator(set, guideCluster(t, "fixed"))
	for _, variant := range []string{"as-written", "fixed"} {
		rbac := guideConfigMap(t, variant, "argocd-rbac-cm.yaml")
		wet := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
		dry := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac, dryRun: true}))
		if wet.Allowed != dry.Allowed || strings.Join(wet.Warnings, "|") != strings.Join(dry.Warnings, "|") {
			t.Errorf("%s: dry-run answer differs: wet %v %v, dry %v %v", variant, wet.Allowed, wet.Warnings, dry.Allowed, dry.Warnings)
		}
		if (wet.Result == nil) != (dry.Result == nil) || (wet.Result != nil && wet.Result.Message != dry.Result.Message) {
			t.Errorf("%s: dry-run message differs", variant)
		}
	}
}

func TestDeleteIsJudgedWithoutTheObject(t *testing.T) {
	set := guideSettings(t)
	// Deleting a broken live object removes its problems: the refusal
	// names what the absence breaks (GUARD-001), never the problems the
	// deleted object had.
	broken := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	resp := post(t, validator(set, guideCluster(t, "as-written")), reviewJSON(t, reviewOpts{op: admissionv1.Delete, old: broken}))
	if resp.Allowed {
		t.Fatalf("deleting argocd-rbac-cm allowed in enforce mode: %v", resp.Warnings)
	}
	if got := ruleIDsIn(resp.Result.Message, "RBAC-004", "RBAC-007"); len(got) != 2 {
		t.Errorf("the denial names the deleted object's own problems: %s", resp.Result.Message)
	}
	if !strings.Contains(resp.Result.Message, "GUARD-001") {
		t.Errorf("the denial does not name GUARD-001: %s", resp.Result.Message)
	}
	if !strings.Contains(strings.Join(resp.Warnings, "\n"), "deleting argocd-rbac-cm") {
		t.Errorf("delete without its warning: %v", resp.Warnings)
	}
}

func TestUnguardedConfigMapIsAllowedUntouched(t *testing.T) {
	other := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	other.Name = "some-app-config"
	resp := post(t, validator(guideSettings(t), guideCluster(t, "fixed")), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: other}))
	if !resp.Allowed || len(resp.Warnings) > 0 {
		t.Fatalf("unguarded ConfigMap: allowed=%v warnings=%v", resp.Allowed, resp.Warnings)
	}
}

func TestGenerateNameIsNotGuarded(t *testing.T) {
	cm := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	cm.Name, cm.GenerateName = "", "argocd-rbac-cm-"
	resp := post(t, validator(guideSettings(t), guideCluster(t, "fixed")), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: cm}))
	if !resp.Allowed {
		t.Fatalf("a generateName ConfigMap was refused: %v", resp.Result)
	}
}

func TestPerRuleActionOverrides(t *testing.T) {
	set := guideSettings(t)
	set.Rules = map[string]string{"RBAC-007": "warn", "RBAC-004": "warn"}
	rbac := guideConfigMap(t, "as-written", "argocd-rbac-cm.yaml")
	resp := post(t, validator(set, guideCluster(t, "fixed")), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
	if !resp.Allowed {
		t.Fatalf("deny rules overridden to warn still deny: %s", resp.Result.Message)
	}
	if m := ruleIDsIn(strings.Join(resp.Warnings, "\n"), "RBAC-007", "RBAC-004"); len(m) > 0 {
		t.Errorf("overridden findings missing from the warnings: %v", m)
	}
	set.Rules = map[string]string{"RBAC-014": "deny"}
	resp = post(t, validator(set, guideCluster(t, "fixed")), reviewJSON(t, reviewOpts{op: admissionv1.Create, object: rbac}))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "RBAC-014") {
		t.Fatalf("an audit rule raised to deny does not deny: allowed=%v %v", resp.Allowed, resp.Result)
	}
}
