// Package manifest reads Kubernetes manifests (files, directories,
// multi-document YAML, JSON, `kind: List`, stdin) and keeps the objects
// argoguard judges: the guarded ConfigMaps, found by name and namespace
// from the settings, the Secrets they reference, the AppProjects of Argo
// CD's namespace and the rbac-rule ServiceAccounts of the Workflows
// namespace with their token Secrets (by name). Everything else is
// ignored. Each object remembers its file and the file line of every data
// key, so findings can point at file lines.
package manifest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

// MaxInputBytes bounds one file or stdin. A rendered kustomization of a
// whole cluster is a few MiB; the limit keeps a runaway pipe from eating
// memory.
const MaxInputBytes = 64 << 20

// Set is what was read: the guarded ConfigMaps and candidate Secrets.
type Set struct {
	ArgoCDCM, RBACCM, WorkflowsCM *policy.Object
	// Secrets are the Secrets the ConfigMaps reference (in any namespace,
	// so a Secret in the wrong namespace can be named in a finding).
	Secrets []*policy.Object
	// Projects are the AppProjects of Argo CD's namespace.
	Projects []*policy.Object
	// ServiceAccounts are the rbac-rule ServiceAccounts of the Workflows
	// namespace (of any namespace with workflows.namespaceDelegation);
	// TokenSecrets the token Secrets they name (no data).
	ServiceAccounts, TokenSecrets []*policy.Object
	// SecretFiles counts every Secret manifest read, referenced or not.
	SecretFiles int
	// Ignored counts the other objects.
	Ignored int
	// Notes name near misses worth telling the user: a ConfigMap with a
	// guarded name in another namespace than the settings say.
	Notes []string
}

// Empty says nothing argoguard judges was read.
func (s *Set) Empty() bool {
	return len(s.Objects()) == 0 && len(s.Projects) == 0 && len(s.ServiceAccounts) == 0
}

// Objects returns the guarded ConfigMaps present, in a fixed order.
func (s *Set) Objects() []*policy.Object {
	var out []*policy.Object
	for _, o := range []*policy.Object{s.ArgoCDCM, s.RBACCM, s.WorkflowsCM} {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

// Error is unusable input, with the file and line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// guarded says which guarded ConfigMap h is; an empty namespace (common in
// kustomize bases) counts as the expected one.
func (l *Loader) guarded(h header) (**policy.Object, string) {
	set := l.Settings
	match := func(ns, name string) bool {
		return h.name == name && (h.namespace == "" || h.namespace == ns)
	}
	switch {
	case match(set.ArgoCD.Namespace, set.ArgoCD.ConfigMap):
		return &l.set.ArgoCDCM, set.ArgoCD.Namespace
	case match(set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap):
		return &l.set.RBACCM, set.ArgoCD.Namespace
	case match(set.Workflows.Namespace, set.Workflows.ConfigMap):
		return &l.set.WorkflowsCM, set.Workflows.Namespace
	}
	return nil, ""
}

func (l *Loader) guardedName(name string) bool {
	set := l.Settings
	return name == set.ArgoCD.ConfigMap || name == set.ArgoCD.RBACConfigMap || name == set.Workflows.ConfigMap
}

func (l *Loader) addConfigMap(file string, n *yaml.Node, h header) error {
	slot, ns := l.guarded(h)
	if slot == nil {
		l.set.Ignored++
		if l.guardedName(h.name) {
			l.set.Notes = append(l.set.Notes, fmt.Sprintf("%s:%d: ConfigMap %s/%s ignored: the settings expect it in another namespace",
				file, n.Line, h.namespace, h.name))
		}
		return nil
	}
	obj, err := l.object(file, n, h, ns)
	if err != nil {
		return err
	}
	data, lines, err := stringMap(file, field(n, "data"), "data")
	if err != nil {
		return err
	}
	obj.Data, obj.Source.KeyLines = data, lines
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	*slot = obj
	return nil
}

func (l *Loader) addSecret(file string, n *yaml.Node, h header) error {
	l.set.SecretFiles++
	ns := h.namespace
	if ns == "" {
		ns = l.Settings.ArgoCD.Namespace
	}
	obj, err := l.object(file, n, h, ns)
	if err != nil {
		return err
	}
	obj.Data = map[string]string{}
	obj.Source.KeyLines = map[string]int{}
	encoded, encLines, err := stringMap(file, field(n, "data"), "data")
	if err != nil {
		return err
	}
	for k, v := range encoded {
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
		if err != nil {
			// Never echo the value: it is a secret.
			return &Error{File: file, Line: encLines[k], Msg: fmt.Sprintf("Secret %s/%s data[%q] is not base64", ns, h.name, k)}
		}
		obj.Data[k], obj.Source.KeyLines[k] = string(raw), encLines[k]
	}
	plain, plainLines, err := stringMap(file, field(n, "stringData"), "stringData")
	if err != nil {
		return err
	}
	for k, v := range plain { // stringData wins over data, as in the API server
		obj.Data[k], obj.Source.KeyLines[k] = v, plainLines[k]
	}
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	l.secrets = append(l.secrets, obj)
	return nil
}

func (l *Loader) object(file string, n *yaml.Node, h header, ns string) (*policy.Object, error) {
	if h.name == "" {
		return nil, &Error{File: file, Line: n.Line, Msg: h.kind + " without metadata.name"}
	}
	return &policy.Object{
		Ref:         policy.ObjectRef{Kind: h.kind, Namespace: ns, Name: h.name},
		Labels:      h.labels,
		Annotations: h.annotations,
		Source:      &policy.Source{File: file, Line: n.Line},
	}, nil
}

// claim refuses the same object twice: which one would be applied depends
// on the order, so judging either would be a guess.
func (l *Loader) claim(obj *policy.Object, file string, line int) error {
	if l.seen == nil {
		l.seen = map[policy.ObjectRef]string{}
	}
	where := fmt.Sprintf("%s:%d", file, line)
	if prev, dup := l.seen[obj.Ref]; dup {
		return &Error{File: file, Line: line, Msg: fmt.Sprintf("%s is given twice (also at %s)", obj.Ref, prev)}
	}
	l.seen[obj.Ref] = where
	return nil
}

// Result returns the Set, keeping only the Secrets the ConfigMaps
// reference (by name, in any namespace).
func (l *Loader) Result() *Set {
	names := referencedSecrets(&l.set)
	for _, sec := range l.secrets {
		if names[sec.Ref.Name] {
			l.set.Secrets = append(l.set.Secrets, sec)
		} else {
			l.set.Ignored++
		}
	}
	l.set.TokenSecrets = l.tokenSecretsFor()
	out := l.set
	return &out
}

// referencedSecrets names the Secrets the guarded ConfigMaps refer to:
// dex.config/oidc.config `$name:key` (and argocd-secret for `$key`), and
// the Workflows sso clientId/clientSecret.
func referencedSecrets(s *Set) map[string]bool {
	out := map[string]bool{}
	if s.ArgoCDCM != nil {
		for _, key := range []string{sso.KeyDexConfig, sso.KeyOIDCConfig} {
			refs, _ := sso.CollectRefs(s.ArgoCDCM.Data[key])
			for _, r := range refs {
				out[r.Secret] = true
			}
		}
	}
	if s.WorkflowsCM != nil {
		w := sso.ParseWorkflows(s.WorkflowsCM.Data)
		out[w.ClientID.Name.Value] = true
		out[w.ClientSecret.Name.Value] = true
	}
	delete(out, "")
	return out
}

// causeOf drops the path an *os.PathError repeats.
func causeOf(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Snapshot assembles what an evaluation sees. The Secrets count as known
// when at least one Secret manifest was read: then a Secret missing from
// the input is taken as missing.
func (s *Set) Snapshot(set *settings.Settings, now time.Time) *policy.Snapshot {
	return &policy.Snapshot{
		Settings:        set,
		ArgoCDCM:        s.ArgoCDCM,
		RBACCM:          s.RBACCM,
		WorkflowsCM:     s.WorkflowsCM,
		Secrets:         append(append([]*policy.Object(nil), s.Secrets...), s.TokenSecrets...),
		SecretsKnown:    s.SecretFiles > 0,
		Projects:        s.Projects,
		ServiceAccounts: s.ServiceAccounts,
		Now:             now,
	}
}
