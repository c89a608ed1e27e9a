package manifest

// The other objects that decide what an identity-provider group may do:
// AppProjects of Argo CD's namespace, the ServiceAccounts of the Workflows
// namespace (of every namespace with workflows.namespaceDelegation) that
// carry the rbac-rule annotation, and the names (never the
// values) of service-account token Secrets. Each keeps the file line of
// every field path, so findings on them point at file lines.

import (
	"fmt"

	yaml "go.yaml.in/yaml/v3"
	fieldpath "k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

// APIVersionAppProject is the only AppProject version Argo CD serves.
const APIVersionAppProject = "argoproj.io/v1alpha1"

// SecretTypeServiceAccountToken is the type of the Secrets Kubernetes fills
// with a ServiceAccount's token.
const SecretTypeServiceAccountToken = "kubernetes.io/service-account-token"

// addAppProject keeps an AppProject of Argo CD's namespace (an empty
// namespace, as in kustomize bases, counts as that one).
func (l *Loader) addAppProject(file string, n *yaml.Node, h header) error {
	ns := l.Settings.ArgoCD.Namespace
	if scalar(field(n, "apiVersion")) != APIVersionAppProject || (h.namespace != "" && h.namespace != ns) {
		l.set.Ignored++
		if h.namespace != "" && h.namespace != ns {
			l.set.Notes = append(l.set.Notes, fmt.Sprintf("%s:%d: AppProject %s/%s ignored: argocd-server reads the AppProjects of %s only",
				file, n.Line, h.namespace, h.name, ns))
		}
		return nil
	}
	u, err := unstructured(file, n, h, ns)
	if err != nil {
		return err
	}
	obj, err := policy.AppProjectObject(u)
	if err != nil {
		return &Error{File: file, Line: n.Line, Msg: err.Error()}
	}
	obj.Source = &policy.Source{File: file, Line: n.Line, KeyLines: fieldLines(n)}
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	l.set.Projects = append(l.set.Projects, obj)
	return nil
}

// addServiceAccount keeps a ServiceAccount that carries the rbac-rule
// annotation in a namespace argo-server chooses from: the Workflows
// namespace (an empty namespace counts as that one), or any namespace with
// workflows.namespaceDelegation.
func (l *Loader) addServiceAccount(file string, n *yaml.Node, h header) error {
	ns := l.Settings.Workflows.Namespace
	if _, ruled := h.annotations[wfrbac.AnnotationRule]; !ruled || (h.namespace != "" && h.namespace != ns && !l.Settings.IsWorkflowAccountNamespace(h.namespace)) {
		l.set.Ignored++
		if ruled {
			l.set.Notes = append(l.set.Notes, fmt.Sprintf("%s:%d: ServiceAccount %s/%s ignored: argo-server reads the rbac-rule accounts of %s only "+
				"(settings workflows.namespaceDelegation: true for argo-server's SSO_DELEGATE_RBAC_TO_NAMESPACE)",
				file, n.Line, h.namespace, h.name, ns))
		}
		return nil
	}
	if h.namespace != "" {
		ns = h.namespace
	}
	u, err := unstructured(file, n, h, ns)
	if err != nil {
		return err
	}
	obj := policy.ServiceAccountObject(u)
	obj.Source = &policy.Source{File: file, Line: n.Line, KeyLines: fieldLines(n)}
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	l.set.ServiceAccounts = append(l.set.ServiceAccounts, obj)
	return nil
}

// addTokenSecret keeps a service-account token Secret by name: the rules
// only ask whether it exists, so its data is never read.
func (l *Loader) addTokenSecret(file string, n *yaml.Node, h header) error {
	l.set.SecretFiles++
	ns := h.namespace
	if ns == "" {
		ns = l.Settings.Workflows.Namespace
	}
	obj, err := l.object(file, n, h, ns)
	if err != nil {
		return err
	}
	if err := l.claim(obj, file, n.Line); err != nil {
		return err
	}
	l.tokens = append(l.tokens, obj)
	return nil
}

// unstructured decodes a document as the API server would hand it over,
// with the namespace filled in.
func unstructured(file string, n *yaml.Node, h header, ns string) (map[string]any, error) {
	if h.name == "" {
		return nil, &Error{File: file, Line: n.Line, Msg: h.kind + " without metadata.name"}
	}
	var u map[string]any
	if err := n.Decode(&u); err != nil {
		return nil, &Error{File: file, Line: n.Line, Msg: fmt.Sprintf("%s %s: %v", h.kind, h.name, err)}
	}
	meta, _ := u["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		u["metadata"] = meta
	}
	meta["namespace"] = ns
	return u, nil
}

// fieldLines maps the field paths under spec and the annotations
// (spec.roles[0].groups[1], metadata.annotations[key]) to their file
// lines, in the notation findings use.
func fieldLines(n *yaml.Node) map[string]int {
	out := map[string]int{}
	if spec := field(n, "spec"); spec != nil {
		walkLines(fieldpath.NewPath("spec"), spec, out, 0)
	}
	if status := field(n, "status"); status != nil {
		walkLines(fieldpath.NewPath("status"), status, out, 0)
	}
	if ann := field(field(n, "metadata"), "annotations"); ann != nil && ann.Kind == yaml.MappingNode {
		p := fieldpath.NewPath("metadata", "annotations")
		for i := 0; i+1 < len(ann.Content); i += 2 {
			out[p.Key(ann.Content[i].Value).String()] = valueLine(ann.Content[i+1])
		}
	}
	return out
}

// keyedMaps are the maps whose keys are data (role names), written
// [key] in field paths as Kubernetes writes map keys.
var keyedMaps = map[string]bool{"status.jwtTokensByRole": true}

func walkLines(p *fieldpath.Path, n *yaml.Node, out map[string]int, depth int) {
	if n == nil || depth > maxDocDepth {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	out[p.String()] = valueLine(n)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			child := p.Child(n.Content[i].Value)
			if keyedMaps[p.String()] {
				child = p.Key(n.Content[i].Value)
			}
			walkLines(child, n.Content[i+1], out, depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkLines(p.Index(i), c, out, depth+1)
		}
	}
}

// valueLine is the line of a value; a block scalar's text starts on the
// line after its indicator.
func valueLine(v *yaml.Node) int {
	if v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v.Line + 1
	}
	return v.Line
}

// tokenSecretsFor returns the token Secrets named by the kept accounts;
// the others count as ignored.
func (l *Loader) tokenSecretsFor() []*policy.Object {
	wanted := map[policy.ObjectRef]bool{}
	for _, o := range l.set.ServiceAccounts {
		a := policy.ParseServiceAccount(o).Account
		wanted[policy.ObjectRef{Kind: "Secret", Namespace: a.Namespace, Name: a.TokenSecretName()}] = true
	}
	var out []*policy.Object
	for _, t := range l.tokens {
		if wanted[t.Ref] {
			out = append(out, t)
		} else {
			l.set.Ignored++
		}
	}
	return out
}
