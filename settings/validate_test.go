package settings

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// knownRules stands in for the catalogue of policy/rules, which this
// package cannot import.
func knownRules(ids ...string) Options {
	return Options{KnownRule: func(id string) bool {
		for _, k := range ids {
			if k == id {
				return true
			}
		}
		return false
	}}
}

func TestUnknownRuleOverrideIsAnError(t *testing.T) {
	o := knownRules("RBAC-010", "DEX-007")
	if _, err := ParseWith([]byte("rules: {RBAC-010: deny, DEX-007: warn}\n"), o); err != nil {
		t.Fatalf("known rules rejected: %v", err)
	}
	_, err := ParseWith([]byte("rules: {RBAC-01O: deny}\n"), o)
	if err == nil || !strings.Contains(err.Error(), "rules[RBAC-01O]") || !strings.Contains(err.Error(), "Not found") {
		t.Fatalf("a typo in a rule ID must be an error naming it, got %v", err)
	}
	// Without a catalogue (a caller that evaluates no rules) the ID is not judged.
	if _, err := Parse([]byte("rules: {RBAC-01O: deny}\n")); err != nil {
		t.Fatalf("Parse without a catalogue: %v", err)
	}
}

func TestEveryProblemAtOnceWithItsPath(t *testing.T) {
	yaml := `
mode: enforcing
argocd: {namespace: Argo_CD}
workflows: {serverServiceAccount: Argo_Server}
identity:
  provider: okta-ish
  groups: [{name: devs}, {id: g1}, {id: g1}]
rules: {RBAC-999: deny, RBAC-010: block}
invariants: [{name: prod, only: [x]}]
breakGlass: {serviceAccounts: [fixer]}
`
	_, err := ParseWith([]byte(yaml), knownRules("RBAC-010"))
	var serr *Error
	if !errors.As(err, &serr) {
		t.Fatalf("want a *settings.Error, got %v", err)
	}
	var got []string
	for _, e := range serr.Errs {
		got = append(got, e.Field+" "+string(e.Type))
	}
	want := []string{
		"mode " + string(field.ErrorTypeNotSupported),
		"argocd.namespace " + string(field.ErrorTypeInvalid),
		"workflows.serverServiceAccount " + string(field.ErrorTypeInvalid),
		"identity.provider " + string(field.ErrorTypeNotSupported),
		"identity.groups[0].id " + string(field.ErrorTypeRequired),
		"identity.groups[2].id " + string(field.ErrorTypeDuplicate),
		"rules[RBAC-010] " + string(field.ErrorTypeNotSupported),
		"rules[RBAC-999] " + string(field.ErrorTypeNotFound),
		"invariants[0].resource " + string(field.ErrorTypeRequired),
		"invariants[0].action " + string(field.ErrorTypeRequired),
		"invariants[0].object " + string(field.ErrorTypeRequired),
		"breakGlass.serviceAccounts[0] " + string(field.ErrorTypeInvalid),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(err.Error(), "settings: 12 problems: mode: Unsupported value") {
		t.Errorf("message: %s", err)
	}
}

// Settings given as bytes have no folder to read a groups file from: one
// that names a file is an error of that field, not settings without groups.
func TestGroupsFileNeedsAReader(t *testing.T) {
	_, err := Parse([]byte("mode: enforcing\nidentity: {groupsFile: groups.json}\n"))
	if err == nil || !strings.Contains(err.Error(), "identity.groupsFile") || !strings.Contains(err.Error(), "mode:") {
		t.Fatalf("want both the groups file and the mode named, got %v", err)
	}
}

func TestGuardedChanges(t *testing.T) {
	running := Default()
	same := Default()
	same.Mode = ModeAudit
	if errs := GuardedChanges(running, same); len(errs) != 0 {
		t.Fatalf("a mode change is no guarded change: %v", errs)
	}
	moved, err := Parse([]byte("argocd: {namespace: gitops, rbacConfigMap: rbac}\nworkflows: {configMap: wf}\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := GuardedChanges(running, moved)
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Field)
		if e.Type != field.ErrorTypeForbidden || !strings.Contains(e.Detail, "RBAC") || !strings.Contains(e.Detail, "restart") {
			t.Errorf("%s: %s", e.Field, e.Detail)
		}
	}
	if got := strings.Join(paths, ","); got != "argocd.namespace,argocd.rbacConfigMap,workflows.configMap" {
		t.Fatalf("paths %s", got)
	}
	if !strings.Contains(errs[0].Error(), `changed to "gitops"`) || !strings.Contains(errs[0].Error(), `stay "argocd"`) {
		t.Errorf("message: %s", errs[0])
	}
}

func TestNamespaceDelegation(t *testing.T) {
	s, err := Parse([]byte("workflows: {namespace: argo, namespaceDelegation: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.DelegatesToNamespaces() || !s.IsWorkflowAccountNamespace("team-a") || !s.IsWorkflowAccountNamespace("argo") {
		t.Errorf("delegation on: every namespace's rbac-rule accounts are candidates")
	}
	off, err := Parse([]byte("workflows: {namespace: argo}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if off.DelegatesToNamespaces() || off.IsWorkflowAccountNamespace("team-a") || !off.IsWorkflowAccountNamespace("argo") {
		t.Errorf("delegation off: only the Workflows namespace's accounts are candidates")
	}
	_, err = Parse([]byte("argocd: {namespace: argocd}\nworkflows: {enabled: false, namespaceDelegation: true}\n"))
	if err == nil || !strings.Contains(err.Error(), "workflows.namespaceDelegation") {
		t.Errorf("delegation without Workflows must be an error naming the field, got %v", err)
	}
	_, err = Parse([]byte("workflows: {namespaceDelegation: yes please}\n"))
	if err == nil || !strings.Contains(err.Error(), "namespaceDelegation") {
		t.Errorf("a non-boolean must be an error naming the field, got %v", err)
	}
}
