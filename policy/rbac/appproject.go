package rbac

// The part of an AppProject that takes part in Argo CD's RBAC: its name and
// its roles (pkg/apis/application/v1alpha1 types.go ProjectRole, JWTToken).
// Argo CD's own Go types are not used: argoguard does not depend on Argo CD,
// and the decoder reads the object as kubectl or GitOps applied it, before
// any of Argo CD's API validation (ValidateProject runs only on changes made
// through Argo CD's API).

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// AppProject is an Argo CD AppProject reduced to what its RBAC reads.
type AppProject struct {
	Name      string        `json:"name"`
	Namespace string        `json:"namespace,omitempty"`
	Roles     []ProjectRole `json:"roles,omitempty"`
}

// ProjectRole is one spec.roles entry.
type ProjectRole struct {
	Name string `json:"name"`
	// Policies are policy lines as written (Argo CD loads them unchanged).
	Policies []string `json:"policies,omitempty"`
	// Groups are group claim values bound to the role.
	Groups    []string   `json:"groups,omitempty"`
	JWTTokens []JWTToken `json:"jwtTokens,omitempty"`
}

// JWTToken is one entry of a role's jwtTokens: a project token Argo CD
// issued. ExpiresAt 0 means the token never expires.
type JWTToken struct {
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp,omitempty"`
	ID        string `json:"id,omitempty"`
}

// ProjectRoleSubject is the subject Argo CD gives a project role:
// proj:<project>:<role>.
func ProjectRoleSubject(project, role string) string {
	return "proj:" + project + ":" + role
}

// ProjectPolicies is the policy text argocd-server adds for requests about
// the project (AppProject.ProjectPoliciesString in
// pkg/apis/application/v1alpha1/app_project_types.go): per role, in order,
// a line letting the role's subject get the project, the role's policies
// verbatim, then a g line binding each of its groups to the role; lines
// joined with "\n". A role's policies are not checked or rewritten.
func ProjectPolicies(p *AppProject) string {
	var lines []string
	for _, r := range p.Roles {
		sub := ProjectRoleSubject(p.Name, r.Name)
		lines = append(lines, fmt.Sprintf("p, %s, projects, get, %s, allow", sub, p.Name))
		lines = append(lines, r.Policies...)
		for _, g := range r.Groups {
			lines = append(lines, fmt.Sprintf("g, %s, %s", g, sub))
		}
	}
	return strings.Join(lines, "\n")
}

// ParseAppProjectYAML reads one AppProject manifest (YAML or JSON).
func ParseAppProjectYAML(doc []byte) (*AppProject, error) {
	var obj map[string]any
	if err := yaml.Unmarshal(doc, &obj); err != nil {
		return nil, fmt.Errorf("AppProject: %w", err)
	}
	if obj == nil {
		return nil, fmt.Errorf("AppProject: empty document")
	}
	p, errs := DecodeAppProject(obj)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return p, nil
}

// DecodeAppProject reads an AppProject from its unstructured form (a
// Kubernetes object as a map). Every problem is reported at once, each
// naming its field path (spec.roles[1].policies[0]). A value of the wrong
// type is an error: Argo CD's typed client could not read the object.
func DecodeAppProject(obj map[string]any) (*AppProject, field.ErrorList) {
	var errs field.ErrorList
	if kind, ok := obj["kind"]; ok && kind != "AppProject" {
		errs = append(errs, field.Invalid(field.NewPath("kind"), kind, "must be AppProject"))
	}
	p := &AppProject{}
	meta := field.NewPath("metadata")
	if m, ok := mapAt(obj, "metadata", meta, &errs); ok {
		n := len(errs)
		p.Name = stringAt(m, "name", meta.Child("name"), &errs)
		if p.Name == "" && len(errs) == n {
			errs = append(errs, field.Required(meta.Child("name"), "the project name is part of its role subjects"))
		}
		p.Namespace = stringAt(m, "namespace", meta.Child("namespace"), &errs)
	} else if len(errs) == 0 || errs[len(errs)-1].Field != "metadata" {
		errs = append(errs, field.Required(meta.Child("name"), "the project name is part of its role subjects"))
	}
	spec := field.NewPath("spec")
	s, ok := mapAt(obj, "spec", spec, &errs)
	if !ok {
		return p, errs
	}
	rolesPath := spec.Child("roles")
	for i, item := range listAt(s, "roles", rolesPath, &errs) {
		path := rolesPath.Index(i)
		m, ok := item.(map[string]any)
		if !ok {
			errs = append(errs, field.TypeInvalid(path, typeName(item), "must be an object"))
			continue
		}
		r := ProjectRole{
			Name:     stringAt(m, "name", path.Child("name"), &errs),
			Policies: stringsAt(m, "policies", path.Child("policies"), &errs),
			Groups:   stringsAt(m, "groups", path.Child("groups"), &errs),
		}
		tokPath := path.Child("jwtTokens")
		for j, t := range listAt(m, "jwtTokens", tokPath, &errs) {
			tp := tokPath.Index(j)
			tm, ok := t.(map[string]any)
			if !ok {
				errs = append(errs, field.TypeInvalid(tp, typeName(t), "must be an object"))
				continue
			}
			r.JWTTokens = append(r.JWTTokens, JWTToken{
				IssuedAt:  intAt(tm, "iat", tp.Child("iat"), &errs),
				ExpiresAt: intAt(tm, "exp", tp.Child("exp"), &errs),
				ID:        stringAt(tm, "id", tp.Child("id"), &errs),
			})
		}
		p.Roles = append(p.Roles, r)
	}
	return p, errs
}

func mapAt(m map[string]any, key string, path *field.Path, errs *field.ErrorList) (map[string]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	out, ok := v.(map[string]any)
	if !ok {
		*errs = append(*errs, field.TypeInvalid(path, typeName(v), "must be an object"))
	}
	return out, ok
}

func listAt(m map[string]any, key string, path *field.Path, errs *field.ErrorList) []any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	out, ok := v.([]any)
	if !ok {
		*errs = append(*errs, field.TypeInvalid(path, typeName(v), "must be a list"))
	}
	return out
}

func stringAt(m map[string]any, key string, path *field.Path, errs *field.ErrorList) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		*errs = append(*errs, field.TypeInvalid(path, typeName(v), "must be a string"))
	}
	return s
}

func stringsAt(m map[string]any, key string, path *field.Path, errs *field.ErrorList) []string {
	var out []string
	for i, v := range listAt(m, key, path, errs) {
		s, ok := v.(string)
		if !ok {
			*errs = append(*errs, field.TypeInvalid(path.Index(i), typeName(v), "must be a string"))
			continue
		}
		out = append(out, s)
	}
	return out
}

func intAt(m map[string]any, key string, path *field.Path, errs *field.ErrorList) int64 {
	v, ok := m[key]
	if !ok || v == nil {
		return 0
	}
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case int32:
		return int64(n)
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n)
		}
	}
	*errs = append(*errs, field.TypeInvalid(path, typeName(v), "must be an integer (seconds since the epoch)"))
	return 0
}

// typeName describes a value's type for an error without echoing it.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return "a number"
	}
}
