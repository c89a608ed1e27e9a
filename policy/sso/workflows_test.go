package sso

import (
	"strings"
	"testing"
)

const guideSSO = `issuer: https://argocd.example.com/api/dex
clientId:
  name: argocd-sso-secret
  key: client-id
clientSecret:
  name: argocd-sso-secret
  key: client-secret
redirectUrl: https://argocd.example.com/oauth2/callback
sessionExpiry: 8h
`

func TestParseWorkflowsGuide(t *testing.T) {
	w := ParseWorkflows(map[string]string{"sso": guideSSO})
	if len(w.Problems) != 0 {
		t.Fatalf("problems: %v", w.Problems)
	}
	if !w.Present || w.Key != "sso" || w.Issuer.Value != "https://argocd.example.com/api/dex" || w.Issuer.Line != 1 {
		t.Errorf("issuer %+v", w.Issuer)
	}
	if w.ClientID.Name.Value != "argocd-sso-secret" || w.ClientID.Key.Value != "client-id" || w.ClientID.Line != 2 {
		t.Errorf("clientId %+v", w.ClientID)
	}
	if w.RedirectURL.Line != 8 || w.RBAC() {
		t.Errorf("redirectUrl %+v rbac %v", w.RedirectURL, w.RBAC())
	}
	if d, ok := w.SessionDuration(); !ok || d.Hours() != 8 {
		t.Errorf("sessionExpiry %v %v", d, ok)
	}
}

func TestParseWorkflowsStrict(t *testing.T) {
	for _, tc := range []struct {
		name string
		data map[string]string
		kind ProblemKind
		want string
		line int
	}{
		{"unknown field", map[string]string{"sso": "issuer: x\nenabled: true\n"}, KindUnknown, `unknown field "enabled"`, 2},
		{"typo suggests", map[string]string{"sso": "isuer: x\n"}, KindUnknown, `did you mean "issuer"`, 1},
		{"duplicate", map[string]string{"sso": "issuer: a\nissuer: b\n"}, KindDuplicate, `"issuer" is set twice`, 2},
		{"duplicate by case", map[string]string{"sso": "redirectUrl: a\nredirectURL: b\n"}, KindDuplicate, "case-insensitively", 2},
		{"scopes string", map[string]string{"sso": "scopes: groups\n"}, KindScopes, "not a list", 1},
		{"session number", map[string]string{"sso": "sessionExpiry: 10\n"}, KindDuration, "Go duration", 1},
		{"session bad", map[string]string{"sso": "sessionExpiry: 10days\n"}, KindDuration, `"10days" is not a Go duration`, 1},
		{"rbac bool", map[string]string{"sso": "rbac: true\n"}, KindType, "rbac is a boolean, not a map", 1},
		{"issuer number", map[string]string{"sso": "issuer: 5\n"}, KindType, "not a string", 1},
		{"insecure string", map[string]string{"sso": "insecureSkipVerify: \"yes\"\n"}, KindType, "not true or false", 1},
		{"regex", map[string]string{"sso": "filterGroupsRegex:\n- '(a'\n"}, KindRegex, "does not compile", 2},
		{"clientId string", map[string]string{"sso": "clientId: abc\n"}, KindType, "must name a Secret key", 1},
		{"config beside", map[string]string{"config": "sso: {}\n", "sso": "issuer: x\n"}, KindConfigKey, "must be the only key", 0},
		{"not yaml", map[string]string{"sso": "issuer: [\n"}, KindSyntax, "not valid YAML", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := ParseWorkflows(tc.data)
			for _, p := range w.Problems {
				if p.Kind == tc.kind && strings.Contains(p.Msg, tc.want) {
					if tc.line != 0 && p.Line != tc.line {
						t.Errorf("line %d, want %d", p.Line, tc.line)
					}
					return
				}
			}
			t.Errorf("problems %v; want %s %q", w.Problems, tc.kind, tc.want)
		})
	}
}

func TestParseWorkflowsCaseInsensitiveAndConfigKey(t *testing.T) {
	w := ParseWorkflows(map[string]string{"sso": "clientID: {name: s, key: k}\nredirectURL: https://w/oauth2/callback\nRBAC: {enabled: true}\n"})
	if len(w.Problems) != 0 || w.ClientID.Name.Value != "s" || w.RedirectURL.Value == "" || !w.RBAC() {
		t.Errorf("case-insensitive keys: %+v %v", w, w.Problems)
	}
	w = ParseWorkflows(map[string]string{"config": "namespace: argo\nsso:\n  issuer: https://a/api/dex\n  scopes: [groups]\n"})
	if len(w.Problems) != 0 || w.Key != "config" || w.Issuer.Path != "sso.issuer" || w.Issuer.Line != 3 || !w.HasScope("groups") {
		t.Errorf("config key: %+v %v", w.Issuer, w.Problems)
	}
	if w := ParseWorkflows(map[string]string{"other": "x"}); w.Present {
		t.Errorf("no sso must not be present")
	}
}
