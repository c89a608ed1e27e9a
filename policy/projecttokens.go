package policy

// The project tokens Argo CD has issued for an AppProject's roles. Argo CD
// v2.x and v3 record a token where argocd-server creates it, in
// status.jwtTokensByRole[<role>].items, and copy it to the role's
// spec.roles[].jwtTokens (older versions wrote only the spec); its
// normalisation merges the two by token id, an id-less token taking its
// iat as id (AppProject.NormalizeJWTTokens in
// pkg/apis/application/v1alpha1/app_project_types.go). A login with a
// project token is accepted when status holds it (util/session), so status
// is where a token is reported when it is in both.

import (
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/sso"
)

// AppProjectStatusKey is the Data key of an AppProject Object holding
// .status as text (absent when the object has none).
const AppProjectStatusKey = "status"

// ProjectToken is one issued token of a role, counted once.
type ProjectToken struct {
	Role  string
	Token rbac.JWTToken
	// Path is where it is recorded: status.jwtTokensByRole[<role>].items[i]
	// or spec.roles[i].jwtTokens[j].
	Path string
	// AlsoAt is the spec path when the token is in both places.
	AlsoAt string
}

// projectTokens merges the roles' spec tokens with the status text's, in
// the order of the spec roles, then status roles the spec lacks (by name).
// Entries of the wrong type are skipped: they name no token.
func projectTokens(roles []rbac.ProjectRole, statusText string) []ProjectToken {
	status := statusTokens(statusText)
	var out []ProjectToken
	inSpec := map[string]bool{}
	for i, r := range roles {
		inSpec[r.Name] = true
		at := map[string]int{}
		for _, t := range status[r.Name] {
			at[tokenKey(t.Token)] = len(out)
			out = append(out, t)
		}
		for j, t := range r.JWTTokens {
			path := field.NewPath("spec", "roles").Index(i).Child("jwtTokens").Index(j).String()
			if k, ok := at[tokenKey(t)]; ok {
				if out[k].AlsoAt == "" {
					out[k].AlsoAt = path
				}
				continue
			}
			at[tokenKey(t)] = len(out)
			out = append(out, ProjectToken{Role: r.Name, Token: t, Path: path})
		}
	}
	var rest []string
	for role := range status {
		if !inSpec[role] {
			rest = append(rest, role)
		}
	}
	sort.Strings(rest)
	for _, role := range rest {
		out = append(out, status[role]...)
	}
	return out
}

// tokenKey is the id Argo CD merges tokens by.
func tokenKey(t rbac.JWTToken) string {
	if t.ID != "" {
		return t.ID
	}
	return strconv.FormatInt(t.IssuedAt, 10)
}

// statusTokens reads status.jwtTokensByRole, per role, in item order.
func statusTokens(text string) map[string][]ProjectToken {
	if text == "" || sso.CheckBudget(text) != nil {
		return nil
	}
	var status map[string]any
	if yaml.Unmarshal([]byte(text), &status) != nil {
		return nil
	}
	byRole, _ := status["jwtTokensByRole"].(map[string]any)
	out := map[string][]ProjectToken{}
	base := field.NewPath("status", "jwtTokensByRole")
	for role, v := range byRole {
		entry, _ := v.(map[string]any)
		items, _ := entry["items"].([]any)
		for i, item := range items {
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			t := rbac.JWTToken{IssuedAt: number(m["iat"]), ExpiresAt: number(m["exp"])}
			t.ID, _ = m["id"].(string)
			out[role] = append(out[role], ProjectToken{Role: role, Token: t, Path: base.Key(role).Child("items").Index(i).String()})
		}
	}
	return out
}

// number reads a JSON number as an integer (0 when it is not one, as an
// absent exp).
func number(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}
