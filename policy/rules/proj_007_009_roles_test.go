package rules

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
)

func TestPROJ007EmptyRole(t *testing.T) {
	runProjTable(t, "PROJ-007", []projCase{
		{name: "role with its policy", spec: groupsSpec(devsID)},
		{name: "role without policies", spec: "roles:\n- name: dev\n  groups: [" + devsID + "]\n",
			want: []string{"spec.roles[0] warn"}, contains: "only get"},
		{name: "policy written for another subject", spec: "roles:\n- name: dev\n  policies: ['p, proj:team-a:ops, applications, get, team-a/*, allow']\n- name: ops\n  policies: ['p, proj:team-a:ops, applications, get, team-a/*, allow']\n",
			want: []string{"spec.roles[0] warn"}},
		{name: "only a deny", spec: "roles:\n- name: dev\n  policies: ['p, proj:team-a:dev, applications, delete, team-a/*, deny']\n",
			want: []string{"spec.roles[0] warn"}},
		{name: "project that does not load is PROJ-001's", spec: "roles:\n- name: dev\n  policies: ['p, x']\n"},
	})
}

func TestPROJ009TokenExpiry(t *testing.T) {
	runProjTable(t, "PROJ-009", []projCase{
		{name: "expiring token", spec: "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000000, exp: 1800000000, id: t1}]\n"},
		{name: "token without exp", spec: "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000000, exp: 1800000000}, {iat: 1700000000, id: forever}]\n",
			want: []string{"spec.roles[0].jwtTokens[1] audit"}, contains: `"forever"`},
	})
}

// Argo CD records issued tokens in status.jwtTokensByRole as well as (or,
// once normalised, with) the role's jwtTokens: each token is judged once,
// where status records it.
func TestPROJ009TokensInStatus(t *testing.T) {
	const ciRole = "roles:\n- name: ci\n  policies: ['p, proj:team-a:ci, applications, sync, team-a/*, allow']\n"
	cases := []struct {
		name, spec, status string
		want               []string
		detail             string
	}{
		{name: "status token without exp", spec: ciRole,
			status: "jwtTokensByRole:\n  ci:\n    items:\n    - {iat: 1700000000, exp: 1800000000, id: t1}\n    - {iat: 1700000100, id: forever}\n",
			want:   []string{"status.jwtTokensByRole[ci].items[1] audit"}},
		{name: "status token with exp", spec: ciRole,
			status: "jwtTokensByRole:\n  ci:\n    items: [{iat: 1700000000, exp: 1800000000, id: t1}]\n"},
		{name: "in both places: counted once, at status",
			spec:   "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000100, id: forever}]\n",
			status: "jwtTokensByRole:\n  ci:\n    items: [{iat: 1700000100, id: forever}]\n",
			want:   []string{"status.jwtTokensByRole[ci].items[0] audit"}, detail: "spec.roles[0].jwtTokens[0]"},
		{name: "an id-less token is the same as the one whose id is its iat",
			spec:   "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000100}]\n",
			status: "jwtTokensByRole:\n  ci:\n    items: [{iat: 1700000100, id: '1700000100'}]\n",
			want:   []string{"status.jwtTokensByRole[ci].items[0] audit"}},
		{name: "same id in another role is another token",
			spec:   "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000100, id: x}]\n- name: ops\n",
			status: "jwtTokensByRole:\n  ops:\n    items: [{iat: 1700000100, id: x}]\n",
			want:   []string{"spec.roles[0].jwtTokens[0] audit", "status.jwtTokensByRole[ops].items[0] audit"}},
		{name: "spec only, as older versions wrote", spec: "roles:\n- name: ci\n  jwtTokens: [{iat: 1700000100, id: old}]\n",
			want: []string{"spec.roles[0].jwtTokens[0] audit"}},
		{name: "a role only in status still holds a token", spec: ciRole,
			status: "jwtTokensByRole:\n  gone:\n    items: [{iat: 1700000100}]\n",
			want:   []string{"status.jwtTokensByRole[gone].items[0] audit"}},
		{name: "entries of the wrong type name no token", spec: ciRole,
			status: "jwtTokensByRole:\n  ci:\n    items: [oops, {iat: 1700000000, exp: 1800000000}]\n  ops: [1]\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := map[string]any{"metadata": map[string]any{"name": "team-a", "namespace": "argocd"}}
			for key, text := range map[string]string{"spec": tc.spec, "status": tc.status} {
				if text == "" {
					continue
				}
				var m any
				if err := yaml.Unmarshal([]byte(text), &m); err != nil {
					t.Fatal(err)
				}
				u[key] = m
			}
			o, err := policy.AppProjectObject(u)
			if err != nil {
				t.Fatal(err)
			}
			fs := checkFindings(t, "PROJ-009", &policy.Snapshot{Settings: settingsFrom(t, ""), Projects: []*policy.Object{o}})
			assertFindings(t, "PROJ-009", fs, pathActions(fs), tc.want, "")
			if tc.detail != "" && !strings.Contains(fs[0].Message, tc.detail) {
				t.Errorf("message %q does not name %s", fs[0].Message, tc.detail)
			}
		})
	}
}
