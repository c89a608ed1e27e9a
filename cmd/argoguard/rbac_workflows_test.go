package main

// `rbac who-can --workflows`: the groups of the settings listed under the
// Workflows account argo-server makes them act as.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const adminID = "94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01" // argocd-admins

type whoCanAccount struct {
	Account        string `json:"account"`
	Groups         []struct{ Group string }
	DependsOnOrder []struct{ Group string } `json:"dependsOnOrder"`
	Refused        []struct{ Group, Reason string }
}

type whoCanWorkflows struct {
	Namespace string
	Accounts  []whoCanAccount
	Unmatched []struct{ Group, Display string }
}

func workflowsWhoCanJSON(t *testing.T, args ...string) whoCanWorkflows {
	t.Helper()
	r := cli(t, "", append([]string{"rbac", "who-can", "--workflows", "--settings", guideSettings, "-o", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	var w whoCanWorkflows
	if err := json.Unmarshal([]byte(r.stdout), &w); err != nil {
		t.Fatalf("not JSON (%v):\n%s", err, r.stdout)
	}
	return w
}

// groupsOf lists, per account, the groups acting as it ("" is a login
// without groups), those depending on order marked "?", the refused "!".
func (w whoCanWorkflows) groupsOf() map[string][]string {
	out := map[string][]string{}
	for _, a := range w.Accounts {
		out[a.Account] = []string{}
		for _, g := range a.Groups {
			out[a.Account] = append(out[a.Account], g.Group)
		}
		for _, g := range a.DependsOnOrder {
			out[a.Account] = append(out[a.Account], "?"+g.Group)
		}
		for _, g := range a.Refused {
			out[a.Account] = append(out[a.Account], "!"+g.Group)
		}
	}
	return out
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func account(name, rule, precedence string) string {
	return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n  namespace: argo\n  annotations:\n" +
		"    workflows.argoproj.io/rbac-rule: \"" + rule + "\"\n    workflows.argoproj.io/rbac-rule-precedence: \"" + precedence + "\"\n---\n"
}

func TestWhoCanWorkflowsGuide(t *testing.T) {
	cases := []struct {
		name  string
		paths string
		want  map[string][]string
	}{
		{"fixed: each group lands on its account, a login without groups on the catch-all",
			filepath.Join(guideDir, "sso-rbac", "fixed"), map[string][]string{
				"argo/argo-admin":     {adminID},
				"argo/argo-developer": {devID},
				"argo/argo-readonly":  {auditorID, ""},
			}},
		{"as written: the display-name rules match no ID the provider sends, a login without groups fails the top rule",
			filepath.Join(guideDir, "sso-rbac", "as-written"), map[string][]string{
				"argo/argo-admin":     {"!"},
				"argo/argo-developer": {},
				"argo/argo-readonly":  {adminID, devID, auditorID},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := workflowsWhoCanJSON(t, "--service-accounts", tc.paths).groupsOf()
			if len(got) != len(tc.want) {
				t.Fatalf("accounts %v, want %v", got, tc.want)
			}
			for acc, want := range tc.want {
				if strings.Join(got[acc], ",") != strings.Join(want, ",") {
					t.Errorf("%s: %q, want %q", acc, got[acc], want)
				}
			}
		})
	}
}

func TestWhoCanWorkflowsRefusedAndOrder(t *testing.T) {
	dir := t.TempDir()
	// A display-name rule and no catch-all: the admins' login is refused.
	displayName := writeFile(t, dir, "display.yaml", account("argo-admin", "'argocd-admins' in get($env, 'groups')", "10"))
	w := workflowsWhoCanJSON(t, "--service-accounts", displayName)
	var unmatched []string
	for _, u := range w.Unmatched {
		unmatched = append(unmatched, u.Group)
	}
	if got := strings.Join(unmatched, ","); got != strings.Join([]string{adminID, devID, auditorID, ""}, ",") {
		t.Errorf("refused logins %q, want every group and the login without groups", got)
	}
	r := cli(t, "", "rbac", "who-can", "--workflows", "--settings", guideSettings, "--service-accounts", displayName)
	for _, want := range []string{
		"argo/argo-admin (precedence 10, rule: 'argocd-admins' in get($env, 'groups'))\n  no group lands on it",
		"REFUSED, no service account rule matches:\n  " + adminID + " (argocd-admins)\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, r.stdout)
		}
	}

	// Two accounts of equal precedence that both match the admins: which
	// one they act as depends on argo-server's order.
	tie := writeFile(t, dir, "tie.yaml", account("a", "'"+adminID+"' in get($env, 'groups')", "5")+
		account("b", "'"+adminID+"' in get($env, 'groups') || '"+devID+"' in get($env, 'groups')", "5"))
	got := workflowsWhoCanJSON(t, "--service-accounts", tie).groupsOf()
	if g := strings.Join(got["argo/a"], ","); g != "?"+adminID {
		t.Errorf("argo/a: %q, want the admins depending on order", g)
	}
	if g := strings.Join(got["argo/b"], ","); g != devID+",?"+adminID {
		t.Errorf("argo/b: %q, want the developers, and the admins depending on order", g)
	}
	r = cli(t, "", "rbac", "who-can", "--workflows", "--settings", guideSettings, "--service-accounts", tie)
	if want := adminID + " (argocd-admins): depends on the order argo-server tries equal precedences in"; !strings.Contains(r.stdout, want) {
		t.Errorf("text lacks %q:\n%s", want, r.stdout)
	}
}

func TestWhoCanWorkflowsAccountAndUsage(t *testing.T) {
	fixed := filepath.Join(guideDir, "sso-rbac", "fixed")
	w := workflowsWhoCanJSON(t, "argo/argo-developer", "--service-accounts", fixed)
	if len(w.Accounts) != 1 || w.Accounts[0].Account != "argo/argo-developer" {
		t.Errorf("ACCOUNT argo/argo-developer: %+v", w.Accounts)
	}
	if w2 := workflowsWhoCanJSON(t, "argo-developer", "--service-accounts", fixed); len(w2.Accounts) != 1 || w2.Accounts[0].Account != "argo/argo-developer" {
		t.Errorf("ACCOUNT argo-developer (the Workflows namespace): %+v", w2.Accounts)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown account", []string{"--workflows", "nobody", "--service-accounts", fixed}, "no rbac-rule ServiceAccount nobody in argo"},
		{"no input", []string{"--workflows"}, "give --service-accounts or --kubeconfig"},
		{"Argo CD inputs", []string{"--workflows", "--service-accounts", fixed, "--policy-file", csvPolicy}, "not --policy-file"},
		{"no rbac-rule account", []string{"--workflows", "--service-accounts", filepath.Join(guideDir, "fixed")}, "carries a workflows.argoproj.io/rbac-rule"},
		{"--service-accounts alone", []string{"get", "app", "x/y", "--service-accounts", fixed, "--policy-file", csvPolicy}, "goes with --workflows"},
		{"two accounts", []string{"--workflows", "a", "b", "--service-accounts", fixed}, "at most one ACCOUNT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, "", append([]string{"rbac", "who-can", "--settings", guideSettings}, tc.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d stderr %q, want 2 and %q", r.code, r.stderr, tc.stderr)
			}
		})
	}
}

// who-can --workflows and the report's per-group table give the same
// answer: a group the report lands on one account is listed under it.
func TestWhoCanWorkflowsAgreesWithReport(t *testing.T) {
	paths := []string{filepath.Join(guideDir, "fixed"), filepath.Join(guideDir, "sso-rbac", "as-written")}
	r := cli(t, "", append([]string{"report", "--settings", guideSettings, "--now", "none", "-o", "json"}, paths...)...)
	var rep struct {
		Groups []struct {
			Group     string
			Workflows *struct {
				Outcomes []struct{ Result, Account string }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, r.stderr)
	}
	got := workflowsWhoCanJSON(t, "--service-accounts", strings.Join(paths, ",")).groupsOf()
	checked := 0
	for _, g := range rep.Groups {
		if g.Workflows == nil || len(g.Workflows.Outcomes) != 1 {
			continue
		}
		o := g.Workflows.Outcomes[0]
		want := g.Group
		if o.Result != "selected" {
			want = "!" + g.Group
		}
		if o.Account == "" {
			continue
		}
		checked++
		if !strings.Contains(","+strings.Join(got[o.Account], ",")+",", ","+want+",") {
			t.Errorf("report: %q %s %s; who-can lists %q under it", g.Group, o.Result, o.Account, got[o.Account])
		}
	}
	if checked < 3 {
		t.Fatalf("only %d groups compared", checked)
	}
}
