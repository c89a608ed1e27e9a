package policy

import (
	"time"

	"github.com/argoguard/argoguard/settings"
)

// Object is the part of a ConfigMap, Secret, AppProject or ServiceAccount
// that argoguard judges. The webhook and the CLI convert to it, so policy/
// needs no Kubernetes types.
type Object struct {
	Ref         ObjectRef
	Labels      map[string]string
	Annotations map[string]string
	// Data holds the ConfigMap data, or the Secret's decoded data and
	// stringData. Secret values are read to compare (a client id), never shown.
	// An AppProject or ServiceAccount keeps its fields here too (see
	// rbacobjects.go: AppProjectSpecKey, AppProjectStatusKey,
	// ServiceAccountSecretsKey).
	Data map[string]string
	// Source is where the CLI read the object; nil in the cluster.
	Source *Source
}

// Source locates an object in a file, so findings can point at file lines.
type Source struct {
	File string
	// KeyLines maps a data key to the file line of that key's first value
	// line (for a block scalar "policy.csv: |", the line after the key);
	// for an AppProject or ServiceAccount, a field path
	// (spec.roles[1].policies[0]) to the file line of its value.
	KeyLines map[string]int
	// Line is the file line where the object's document starts (0 when
	// unknown): where a finding about a missing key points.
	Line int
}

// Snapshot is everything one evaluation sees: the three guarded ConfigMaps
// (any may be nil), the Secrets they reference, the settings, and which
// object is being changed.
type Snapshot struct {
	// Settings are never nil: use settings.Default() when none were given.
	Settings *settings.Settings

	ArgoCDCM    *Object // argocd-cm
	RBACCM      *Object // argocd-rbac-cm
	WorkflowsCM *Object // workflow-controller-configmap

	// Secrets are the Secrets argoguard could read (referenced by the three
	// ConfigMaps). SecretsKnown says whether Secrets were looked up: in the
	// cluster with Secret reading enabled, or in the CLI when Secret files
	// were given. Rules that need a Secret stay silent when it is false.
	Secrets      []*Object
	SecretsKnown bool
	// SecretsUnknown are the Secrets whose lookup failed (forbidden,
	// unreachable, or beyond the lookups one admission makes): rules judge
	// nothing that rests on them, and judge the other Secrets as usual.
	SecretsUnknown []ObjectRef

	// Projects are the AppProjects of Argo CD's namespace (argocd-server
	// sees no others), as KindAppProject Objects (see rbacobjects.go).
	Projects []*Object
	// ServiceAccounts are the ServiceAccounts of the Workflows namespaces
	// that carry the rbac-rule annotation, as KindServiceAccount Objects:
	// argo-server chooses among all of a namespace's ones, so the order
	// rules are judged only on the accounts given. Their token Secrets are
	// looked up like any other Secret (LookupSecret).
	ServiceAccounts []*Object
	// Unlisted are the kinds (KindAppProject, KindServiceAccount) whose
	// objects could not be listed (forbidden): not judged, which is not
	// the same as none (a report about them is left as it was).
	Unlisted []string
	// WorkflowsServerAccount is argo-server's own ServiceAccount as
	// "namespace/name"; empty means DefaultServerAccounts.
	WorkflowsServerAccount string

	// Missing are guarded objects looked up in the cluster and not found
	// (nil in the CLI, where an object not given is simply not judged).
	Missing []ObjectRef

	// Changed is the object the admission request changes (nil in the CLI
	// and the audit controller: every object is judged).
	Changed *ObjectRef
	// Operation is CREATE, UPDATE or DELETE for an admission request.
	Operation string
	// Old is the previous version of the changed object on UPDATE.
	Old *Object

	// Now is the time certificate checks compare with.
	Now time.Time

	// Parses, when set, shares parsed ConfigMaps across evaluations (the
	// webhook's Validator owns one); nil parses once per evaluation.
	Parses *ParseCache
	// memo holds this snapshot's parses (RBAC, ArgoCD, Workflows): one
	// goroutine evaluates a snapshot, and its objects are not changed
	// while it is evaluated.
	memo memo
}

// SecretState is what a snapshot knows of one Secret.
type SecretState int

const (
	// SecretUnknown: not looked up, or the lookup failed.
	SecretUnknown SecretState = iota
	// SecretAbsent: looked up; it does not exist.
	SecretAbsent
	// SecretFound: looked up and read.
	SecretFound
)

// LookupSecret returns the Secret namespace/name and what is known of it.
// Rules that need a Secret judge it only when the state is not unknown.
func (s *Snapshot) LookupSecret(namespace, name string) (*Object, SecretState) {
	if !s.SecretsKnown {
		return nil, SecretUnknown
	}
	if o := s.Secret(namespace, name); o != nil {
		return o, SecretFound
	}
	for _, r := range s.SecretsUnknown {
		if r.Namespace == namespace && r.Name == name {
			return nil, SecretUnknown
		}
	}
	return nil, SecretAbsent
}

// Secret returns the Secret namespace/name if the snapshot has it.
func (s *Snapshot) Secret(namespace, name string) *Object {
	for _, o := range s.Secrets {
		if o != nil && o.Ref.Namespace == namespace && o.Ref.Name == name {
			return o
		}
	}
	return nil
}

// Objects returns the guarded ConfigMaps present, in a fixed order
// (Projects and ServiceAccounts are listed apart).
func (s *Snapshot) Objects() []*Object {
	var out []*Object
	for _, o := range []*Object{s.ArgoCDCM, s.RBACCM, s.WorkflowsCM} {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}
