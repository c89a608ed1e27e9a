package rbac

import (
	"fmt"
	"strings"
)

// Resource names Argo CD enforces.
const (
	ResourceClusters          = "clusters"
	ResourceProjects          = "projects"
	ResourceApplications      = "applications"
	ResourceApplicationSets   = "applicationsets"
	ResourceRepositories      = "repositories"
	ResourceWriteRepositories = "write-repositories"
	ResourceCertificates      = "certificates"
	ResourceAccounts          = "accounts"
	ResourceGPGKeys           = "gpgkeys"
	ResourceLogs              = "logs"
	ResourceExec              = "exec"
	ResourceExtensions        = "extensions"
)

// ProjectScoped resources take `<project>/<object>` objects; `argocd admin
// settings rbac can` turns an empty or `*` object into `*/*` for them.
var ProjectScoped = map[string]bool{
	ResourceApplications:    true,
	ResourceApplicationSets: true,
	ResourceLogs:            true,
	ResourceExec:            true,
	ResourceClusters:        true,
	ResourceRepositories:    true,
}

// AppObjectResources always get `<project>/<name>` objects from the server
// (clusters and repositories may also get a bare URL).
var AppObjectResources = map[string]bool{
	ResourceApplications:    true,
	ResourceApplicationSets: true,
	ResourceLogs:            true,
	ResourceExec:            true,
}

// resourceAliases are the short names `argocd admin settings rbac can` accepts.
var resourceAliases = map[string]string{
	"account": ResourceAccounts, "app": ResourceApplications, "apps": ResourceApplications,
	"application": ResourceApplications, "applicationsets": ResourceApplicationSets,
	"cert": ResourceCertificates, "certs": ResourceCertificates, "certificate": ResourceCertificates,
	"cluster": ResourceClusters, "extension": ResourceExtensions, "gpgkey": ResourceGPGKeys,
	"key": ResourceGPGKeys, "log": ResourceLogs, "logs": ResourceLogs, "exec": ResourceExec,
	"proj": ResourceProjects, "projs": ResourceProjects, "project": ResourceProjects,
	"repo": ResourceRepositories, "repos": ResourceRepositories, "repository": ResourceRepositories,
}

// ResolveResource maps a CLI short name (app, proj, repo, cert, ...) to the
// RBAC resource; anything else is returned verbatim.
func ResolveResource(name string) string {
	if r, ok := resourceAliases[name]; ok {
		return r
	}
	return name
}

// CLIObject is the object `argocd admin settings rbac can` sends: `*/*`
// for a project-scoped resource given no object or `*`.
func CLIObject(resource, object string) string {
	if ProjectScoped[resource] && (object == "" || object == "*") {
		return "*/*"
	}
	return object
}

// actionSpec says which actions a resource takes; path actions also take
// `/<suffix>` (update/<group>/<kind>/<ns>/<name>, action/<group>/<kind>/<name>).
type actionSpec struct {
	actions map[string]bool
	path    map[string]bool
}

func spec(path []string, actions ...string) actionSpec {
	s := actionSpec{actions: map[string]bool{}, path: map[string]bool{}}
	for _, a := range actions {
		s.actions[a] = true
	}
	for _, a := range path {
		s.actions[a] = true
		s.path[a] = true
	}
	return s
}

// strictActions is the table `argocd admin settings rbac can --strict`
// (v3.5) checks requests against.
var strictActions = map[string]actionSpec{
	ResourceAccounts:        spec(nil, "create", "update"),
	ResourceApplications:    spec([]string{"update", "delete", "action"}, "create", "get", "override", "sync"),
	ResourceApplicationSets: spec(nil, "create", "get", "update", "delete"),
	ResourceCertificates:    spec(nil, "create", "get", "delete"),
	ResourceClusters:        spec(nil, "create", "get", "update", "delete"),
	ResourceExtensions:      spec(nil, "invoke"),
	ResourceGPGKeys:         spec(nil, "create", "get", "delete"),
	ResourceLogs:            spec(nil, "get"),
	ResourceExec:            spec(nil, "create"),
	ResourceProjects:        spec(nil, "create", "get", "update", "delete"),
	ResourceRepositories:    spec(nil, "create", "get", "update", "delete"),
}

// serverActions is what Argo CD's API server actually enforces (docs and
// server code): accounts are checked with get and update, write-repositories
// exist, certificates take update in the built-in role.
var serverActions = map[string]actionSpec{
	ResourceAccounts:          spec(nil, "get", "update", "create"),
	ResourceApplications:      spec([]string{"update", "delete", "action"}, "create", "get", "override", "sync"),
	ResourceApplicationSets:   spec(nil, "create", "get", "update", "delete"),
	ResourceCertificates:      spec(nil, "create", "get", "update", "delete"),
	ResourceClusters:          spec(nil, "create", "get", "update", "delete"),
	ResourceExtensions:        spec(nil, "invoke"),
	ResourceGPGKeys:           spec(nil, "create", "get", "delete"),
	ResourceLogs:              spec(nil, "get"),
	ResourceExec:              spec(nil, "create"),
	ResourceProjects:          spec(nil, "create", "get", "update", "delete"),
	ResourceRepositories:      spec(nil, "create", "get", "update", "delete"),
	ResourceWriteRepositories: spec(nil, "create", "get", "update", "delete"),
}

// ValidateRequest is `rbac can --strict`: the resource must be known and
// the action valid for it. The errors are Argo CD's wording.
func ValidateRequest(resource, action string) error {
	return checkAction(strictActions, resource, action)
}

// ValidateGrant checks a policy line's literal resource and action against
// what the server enforces.
func ValidateGrant(resource, action string) error {
	return checkAction(serverActions, resource, action)
}

func checkAction(table map[string]actionSpec, resource, action string) error {
	s, ok := table[resource]
	if !ok {
		return fmt.Errorf("'%s' is not a valid resource name", resource)
	}
	base, _, hasPath := strings.Cut(action, "/")
	if !s.actions[base] || (hasPath && !s.path[base]) {
		return fmt.Errorf("'%s' is not a valid action for %s", action, resource)
	}
	return nil
}

// KnownResources lists the resources the server enforces.
func KnownResources() []string {
	out := make([]string, 0, len(serverActions))
	for r := range serverActions {
		out = append(out, r)
	}
	sortStrings(out)
	return out
}

// KnownResource reports whether the server enforces resource.
func KnownResource(resource string) bool {
	_, ok := serverActions[resource]
	return ok
}
