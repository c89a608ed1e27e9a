package policy

// The other objects that decide what an identity-provider group may do:
// Argo CD AppProjects (their roles add policy lines for requests about the
// project) and the ServiceAccounts argo-server chooses by their rbac-rule
// annotation. They reach the rules as Objects like the ConfigMaps:
//
//   - AppProject: Ref.Kind "AppProject", the object's labels and
//     annotations, and Data[AppProjectSpecKey] holding .spec as JSON (or
//     YAML) text. Findings locate a field with Location.Path
//     ("spec.roles[1].policies[0]") and no Key.
//   - ServiceAccount: Ref.Kind "ServiceAccount", the annotations (rbac-rule,
//     rbac-rule-precedence, service-account-token.name), and
//     Data[ServiceAccountSecretsKey] holding the names of .secrets, one a
//     line. Findings locate an annotation with Location.Path
//     ("metadata.annotations[workflows.argoproj.io/rbac-rule]").
//
// The spec is kept as text so that Objects stay plain data (comparable,
// patchable with WithPatches, hashable by the ParseCache) and the decoding
// is the one rbac.DecodeAppProject does for files.

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

// Kinds of the objects beside ConfigMaps and Secrets.
const (
	KindAppProject     = "AppProject"
	KindServiceAccount = "ServiceAccount"
)

// AppProjectSpecKey is the Data key of an AppProject Object: .spec as text.
const AppProjectSpecKey = "spec"

// ServiceAccountSecretsKey is the Data key of a ServiceAccount Object: the
// names of its .secrets entries, one a line.
const ServiceAccountSecretsKey = "secrets"

// AppProjectObject converts an AppProject in its unstructured form (a
// Kubernetes object as a map, as the webhook and the CLI read it).
func AppProjectObject(u map[string]any) (*Object, error) {
	meta, _ := u["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	o := &Object{
		Ref:         ObjectRef{Kind: KindAppProject, Namespace: ns, Name: name},
		Labels:      stringMap(meta["labels"]),
		Annotations: stringMap(meta["annotations"]),
		Data:        map[string]string{},
	}
	if spec, ok := u["spec"]; ok && spec != nil {
		text, err := json.Marshal(spec)
		if err != nil {
			return nil, fmt.Errorf("AppProject %s/%s: spec: %w", ns, name, err)
		}
		o.Data[AppProjectSpecKey] = string(text)
	}
	// status holds the project tokens argocd-server issued (PROJ-009).
	if status, ok := u["status"]; ok && status != nil {
		text, err := json.Marshal(status)
		if err != nil {
			return nil, fmt.Errorf("AppProject %s/%s: status: %w", ns, name, err)
		}
		o.Data[AppProjectStatusKey] = string(text)
	}
	return o, nil
}

// ServiceAccountObject converts a ServiceAccount in its unstructured form.
func ServiceAccountObject(u map[string]any) *Object {
	meta, _ := u["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	var secrets []string
	list, _ := u["secrets"].([]any)
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			n, _ := m["name"].(string)
			secrets = append(secrets, n)
		}
	}
	o := &Object{
		Ref:         ObjectRef{Kind: KindServiceAccount, Namespace: ns, Name: name},
		Labels:      stringMap(meta["labels"]),
		Annotations: stringMap(meta["annotations"]),
	}
	if len(secrets) > 0 {
		o.Data = map[string]string{ServiceAccountSecretsKey: strings.Join(secrets, "\n")}
	}
	return o
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// ProjectConfig is an AppProject as argocd-server loads its roles. It is
// shared by the memo: read it, never change it.
type ProjectConfig struct {
	Obj     *Object
	Project *rbac.AppProject
	// Errors are fields Argo CD's typed client cannot read (a wrong type)
	// or a spec text that is not JSON/YAML; Project holds what was read.
	Errors field.ErrorList
	// Tokens are the roles' issued tokens, from spec and status, each once.
	Tokens []ProjectToken
	// Lines are the role policy lines in order, with their field paths.
	Lines []ProjectLine
	// Generated are the lines Argo CD writes from a role's name
	// (p, proj:<project>:<role>, projects, get, <project>, allow) and from
	// each of its groups (g, <group>, proj:<project>:<role>) that it cannot
	// load: a comma, quote or newline in a name or group breaks them.
	Generated []ProjectLine
}

// ProjectLine is one line of a role's policies. Argo CD joins the policies
// with "\n" (AppProject.ProjectPoliciesString), so an entry holding a
// newline is several lines; Part counts them from 1.
type ProjectLine struct {
	Role, Index, Part int
	// Path is the entry's field path: spec.roles[1].policies[0].
	Path string
	// Line is the parsed line; nil when Argo CD refuses it (Err says why).
	Line *rbac.Line
	Err  string
}

// ParseAppProject reads an AppProject Object.
func ParseAppProject(o *Object) *ProjectConfig {
	c := &ProjectConfig{Obj: o}
	u := map[string]any{"metadata": map[string]any{"name": o.Ref.Name, "namespace": o.Ref.Namespace}}
	if text := o.Data[AppProjectSpecKey]; text != "" {
		var spec any
		err := sso.CheckBudget(text)
		// AppProjectObject writes JSON; YAML (a hand-built object) is the
		// slower fallback.
		if err == nil && json.Unmarshal([]byte(text), &spec) != nil {
			err = yaml.Unmarshal([]byte(text), &spec)
		}
		if err != nil {
			c.Errors = append(c.Errors, field.Invalid(field.NewPath("spec"), "(text)", "not readable: "+err.Error()))
		} else {
			u["spec"] = spec
		}
	}
	p, errs := rbac.DecodeAppProject(u)
	c.Project, c.Errors = p, append(c.Errors, errs...)
	c.Tokens = projectTokens(p.Roles, o.Data[AppProjectStatusKey])
	for i, r := range p.Roles {
		sub := rbac.ProjectRoleSubject(p.Name, r.Name)
		c.refuseGenerated(fmt.Sprintf("p, %s, projects, get, %s, allow", sub, p.Name), field.NewPath("spec", "roles").Index(i).Child("name").String(), i, -1)
		for j, g := range r.Groups {
			c.refuseGenerated(fmt.Sprintf("g, %s, %s", g, sub), field.NewPath("spec", "roles").Index(i).Child("groups").Index(j).String(), i, j)
		}
		for j, text := range r.Policies {
			path := field.NewPath("spec", "roles").Index(i).Child("policies").Index(j).String()
			for k, part := range strings.Split(text, "\n") {
				pl := ProjectLine{Role: i, Index: j, Part: k + 1, Path: path}
				l, err := rbac.ParseLine(part)
				switch {
				case err != nil:
					pl.Err = err.Error()
				case l == nil:
					continue // empty or a # comment: skipped as Argo CD does
				default:
					l.Key, l.Line = path, k+1
					pl.Line = l
				}
				c.Lines = append(c.Lines, pl)
			}
		}
	}
	return c
}

// refuseGenerated records the lines of a generated text Argo CD refuses.
func (c *ProjectConfig) refuseGenerated(text, path string, role, index int) {
	for k, part := range strings.Split(text, "\n") {
		if _, err := rbac.ParseLine(part); err != nil {
			c.Generated = append(c.Generated, ProjectLine{Role: role, Index: index, Part: k + 1, Path: path, Err: err.Error()})
		}
	}
}

// Loads reports whether argocd-server loads the project's role policies:
// one refused line makes it ignore all of them.
func (c *ProjectConfig) Loads() bool {
	if len(c.Generated) > 0 {
		return false
	}
	for _, l := range c.Lines {
		if l.Err != "" {
			return false
		}
	}
	return true
}

// WorkflowAccount is a ServiceAccount as argo-server's SSO RBAC sees it.
type WorkflowAccount struct {
	Obj     *Object
	Account wfrbac.Account
}

// ParseServiceAccount reads a ServiceAccount Object.
func ParseServiceAccount(o *Object) WorkflowAccount {
	var secrets []string
	if v := o.Data[ServiceAccountSecretsKey]; v != "" {
		secrets = strings.Split(v, "\n")
	}
	return WorkflowAccount{Obj: o, Account: wfrbac.FromObject(o.Ref.Namespace, o.Ref.Name, o.Annotations, secrets)}
}

// DefaultServerAccounts are the names argo-server's ServiceAccount has in
// Argo Workflows' install manifests and in its Helm chart (release
// argo-workflows), used when the snapshot does not name it.
var DefaultServerAccounts = []string{"argo-server", "argo-workflows-server"}

// ServerAccount returns argo-server's ServiceAccount in namespace ns as
// "namespace/name": WorkflowsServerAccount when set, else the settings'
// workflows.serverServiceAccount, else the first default name an account
// of ns has.
func (s *Snapshot) ServerAccount(ns string) string {
	if s.WorkflowsServerAccount != "" {
		return s.WorkflowsServerAccount
	}
	if s.Settings != nil && s.Settings.Workflows.ServerServiceAccount != "" {
		return ns + "/" + s.Settings.Workflows.ServerServiceAccount
	}
	for _, n := range DefaultServerAccounts {
		for _, o := range s.ServiceAccounts {
			if o != nil && o.Ref.Namespace == ns && o.Ref.Name == n {
				return ns + "/" + n
			}
		}
	}
	return ns + "/" + DefaultServerAccounts[0]
}
