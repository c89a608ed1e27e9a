package deploy

// A model of how kube-apiserver picks the webhooks a write is sent to
// (rules, then namespaceSelector, then matchConditions), applied to every
// kind of write around the guarded objects, to prove that only the guarded
// objects ever wait on argoguard: with failurePolicy Fail, anything else a
// webhook matched would fail while argoguard is down.

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/google/cel-go/cel"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

const annotationRule = "workflows.argoproj.io/rbac-rule"

// scope is what argoguard guards in one rendering: ConfigMaps by
// namespace/name, every AppProject of projectsNS, and the ServiceAccounts
// of accountsNS that carry the rbac-rule annotation. An empty namespace:
// that component is off.
type scope struct {
	configMaps []guarded
	projectsNS string
	accountsNS string
	// accountsAnyNS: SSO namespace delegation (the workflows-delegation
	// component, settings workflows.namespaceDelegation): rbac-rule
	// accounts of every namespace are guarded.
	accountsAnyNS bool
}

var stockScope = scope{configMaps: stockGuarded, projectsNS: "argocd", accountsNS: "argo"}

// request is one admission request as the API server sees it.
type request struct {
	group, version, resource, subresource, kind string
	op                                          string
	namespace, name                             string
	// generateName: a create with metadata.generateName, no name yet (the
	// mutating stage).
	generateName bool
	// The annotations of the new and the old object; nil: the object has
	// no annotations field.
	newAnn, oldAnn map[string]any
	// user is the requester's username.
	user string
}

// aUser is an ordinary requester; controlPlaneDeleters are the identities
// kube-controller-manager deletes with for a namespace or owner being
// deleted (argoguard allows their deletes, so none is sent).
const aUser = "alice@example.com"

var controlPlaneDeleters = []string{
	"system:serviceaccount:kube-system:namespace-controller",
	"system:serviceaccount:kube-system:generic-garbage-collector",
	"system:kube-controller-manager",
}

func (r request) String() string {
	res := r.resource
	if r.subresource != "" {
		res += "/" + r.subresource
	}
	name := r.name
	if r.generateName {
		name = "(generateName " + r.name + ")"
	}
	s := fmt.Sprintf("%s %s %s/%s", r.op, res, r.namespace, name)
	if r.user != aUser {
		s += " by " + r.user
	}
	if r.newAnn != nil || r.oldAnn != nil {
		s += fmt.Sprintf(" annotations new %v old %v", r.newAnn, r.oldAnn)
	}
	return s
}

// wants is the webhook (by name) that must see r, or "": what the issue
// says argoguard guards, written without looking at the configurations.
func (s scope) wants(r request, mutating bool) string {
	if r.subresource != "" || (r.op == "DELETE" && slices.Contains(controlPlaneDeleters, r.user)) {
		return ""
	}
	createOrUpdate := r.op == "CREATE" || r.op == "UPDATE"
	switch {
	case r.group == "" && r.resource == "configmaps":
		if r.generateName {
			return ""
		}
		for _, g := range s.configMaps {
			if g == (guarded{r.namespace, r.name}) {
				if mutating && createOrUpdate {
					return hookMutate
				}
				if !mutating {
					return hookConfigMaps
				}
			}
		}
	case mutating:
		// Nothing is defaulted on the other kinds.
	case r.group == "argoproj.io" && r.resource == "appprojects":
		// Every write, a delete included: deleting a project revokes its
		// roles' grants.
		if r.namespace == s.projectsNS {
			return hookAppProjects
		}
	case r.group == "" && r.resource == "serviceaccounts":
		// A delete has no new object: the old one decides. Deleting an
		// rbac-rule account moves its users to another account.
		_, inNew := r.newAnn[annotationRule]
		_, inOld := r.oldAnn[annotationRule]
		if r.op == "DELETE" {
			inNew = false
		}
		if (r.namespace == s.accountsNS || (s.accountsAnyNS && s.accountsNS != "")) && (inNew || inOld) {
			return hookServiceAccounts
		}
	}
	return ""
}

// requests is every write the scoping is checked on: the guarded objects,
// their neighbours (other names, other namespaces, other kinds,
// subresources), with and without the rbac-rule annotation on the new
// and the old object, on every operation.
func requests(s scope) []request {
	namespaces := map[string]bool{"default": true, "kube-system": true, "argoguard": true, "argocd": true, "argo": true, "team-a": true}
	names := map[string]bool{"argocd-notifications-cm": true, "argocd-cmd-params-cm": true, "my-config": true, "default": true, "argo-server": true}
	for _, g := range append(append([]guarded{}, s.configMaps...), stockGuarded...) {
		namespaces[g.namespace], names[g.name] = true, true
	}
	for _, ns := range []string{s.projectsNS, s.accountsNS} {
		if ns != "" {
			namespaces[ns] = true
		}
	}
	type kind struct{ group, version, resource, subresource, kind string }
	kinds := []kind{
		{"", "v1", "configmaps", "", "ConfigMap"},
		{"argoproj.io", "v1alpha1", "appprojects", "", "AppProject"},
		{"", "v1", "serviceaccounts", "", "ServiceAccount"},
		{"", "v1", "serviceaccounts", "token", "TokenRequest"},
		{"", "v1", "secrets", "", "Secret"},
		{"argoproj.io", "v1alpha1", "applications", "", "Application"},
		{"argoproj.io", "v1alpha1", "workflows", "", "Workflow"},
		{"apps", "v1", "deployments", "", "Deployment"},
	}
	annotations := []map[string]any{
		nil,
		{},
		{"example.com/owner": "team-a"},
		{annotationRule: "'team-a-id' in groups"},
		{annotationRule: ""},
		{"workflows.argoproj.io/rbac-rule-precedence": "10"},
	}
	var out []request
	for ns := range namespaces {
		for name := range names {
			for _, k := range kinds {
				base := request{group: k.group, version: k.version, resource: k.resource, subresource: k.subresource, kind: k.kind, namespace: ns, name: name, user: aUser}
				for _, n := range annotations {
					c := base
					c.op, c.newAnn = "CREATE", n
					out = append(out, c)
					c.generateName = true
					out = append(out, c)
					for _, o := range annotations {
						u := base
						u.op, u.newAnn, u.oldAnn = "UPDATE", n, o
						out = append(out, u)
					}
					d := base
					d.op, d.oldAnn = "DELETE", n
					out = append(out, d)
					for _, u := range controlPlaneDeleters {
						d.user = u
						out = append(out, d)
					}
				}
			}
		}
	}
	return out
}

// celVars are the variables a matchCondition sees for r: object is null on
// DELETE, oldObject on CREATE.
func (r request) celVars() map[string]any {
	obj := func(ann map[string]any) map[string]any {
		meta := map[string]any{"namespace": r.namespace}
		if r.generateName {
			meta["generateName"] = r.name + "-"
		} else {
			meta["name"] = r.name
		}
		if ann != nil {
			meta["annotations"] = ann
		}
		return map[string]any{"apiVersion": r.version, "kind": r.kind, "metadata": meta}
	}
	name := r.name
	if r.generateName {
		name = ""
	}
	vars := map[string]any{
		"request": map[string]any{
			"operation":   r.op,
			"namespace":   r.namespace,
			"name":        name,
			"kind":        map[string]any{"group": r.group, "version": r.version, "kind": r.kind},
			"resource":    map[string]any{"group": r.group, "version": r.version, "resource": r.resource},
			"subResource": r.subresource,
			"userInfo":    map[string]any{"username": r.user, "groups": []any{"system:authenticated"}},
		},
		"object":    obj(r.newAnn),
		"oldObject": nil,
	}
	switch r.op {
	case "UPDATE":
		vars["oldObject"] = obj(r.oldAnn)
	case "DELETE":
		vars["object"], vars["oldObject"] = nil, obj(r.oldAnn)
	}
	return vars
}

// compiledHook is a webhook with its matchConditions compiled by cel-go
// (the library kube-apiserver evaluates them with).
type compiledHook struct {
	webhookEntry
	selector labels.Selector
	programs []cel.Program
}

func compileHook(t *testing.T, what string, hook webhookEntry) compiledHook {
	t.Helper()
	env, err := cel.NewEnv(
		cel.Variable("request", cel.DynType),
		cel.Variable("object", cel.DynType),
		cel.Variable("oldObject", cel.DynType),
	)
	if err != nil {
		t.Fatal(err)
	}
	c := compiledHook{webhookEntry: hook, selector: labels.Everything()}
	if hook.NamespaceSelector != nil {
		if c.selector, err = metav1.LabelSelectorAsSelector(hook.NamespaceSelector); err != nil {
			t.Fatalf("%s %s: namespaceSelector: %v", what, hook.Name, err)
		}
	}
	for _, mc := range hook.MatchConditions {
		ast, iss := env.Compile(mc.Expression)
		if iss.Err() != nil {
			t.Fatalf("%s %s: matchCondition %s does not compile: %v", what, hook.Name, mc.Name, iss.Err())
		}
		if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
			t.Fatalf("%s %s: matchCondition %s yields %v, not bool", what, hook.Name, mc.Name, ast.OutputType())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		c.programs = append(c.programs, prg)
	}
	return c
}

// reaches says whether the API server sends r to the webhook: a rule
// matches (operation, group, version, resource; a subresource only when
// named), the namespace's kubernetes.io/metadata.name label matches the
// namespaceSelector, and every matchCondition is true. An evaluation error
// is returned: with failurePolicy Fail it rejects the write.
func (c compiledHook) reaches(r request) (bool, error) {
	if !c.ruleMatches(r) {
		return false, nil
	}
	if !c.selector.Matches(labels.Set{"kubernetes.io/metadata.name": r.namespace}) {
		return false, nil
	}
	vars := r.celVars()
	for i, prg := range c.programs {
		out, _, err := prg.Eval(vars)
		if err != nil {
			return false, fmt.Errorf("matchCondition %s: %w", c.MatchConditions[i].Name, err)
		}
		if out.Value() != true {
			return false, nil
		}
	}
	return true, nil
}

func (c compiledHook) ruleMatches(r request) bool {
	in := func(list []string, v string) bool {
		for _, x := range list {
			if x == v || x == "*" {
				return true
			}
		}
		return false
	}
	resource := r.resource
	if r.subresource != "" {
		resource += "/" + r.subresource
	}
	for _, rule := range c.Rules {
		var ops []string
		for _, op := range rule.Operations {
			ops = append(ops, string(op))
		}
		if in(ops, r.op) && in(rule.APIGroups, r.group) && in(rule.APIVersions, r.version) && in(rule.Resources, resource) &&
			(rule.Scope == nil || *rule.Scope != admissionv1.ClusterScope) {
			return true
		}
	}
	return false
}

// requireScope checks that each request of requests(s) reaches exactly the
// webhook s.wants, and that no request makes a matchCondition fail to
// evaluate; also that the configuration has exactly the webhooks s needs.
func requireScope(t *testing.T, what string, hooks []webhookEntry, s scope, mutating bool) {
	t.Helper()
	var wantNames []string
	if mutating {
		wantNames = []string{hookMutate}
	} else {
		wantNames = []string{hookConfigMaps}
		if s.projectsNS != "" {
			wantNames = append(wantNames, hookAppProjects)
		}
		if s.accountsNS != "" {
			wantNames = append(wantNames, hookServiceAccounts)
		}
	}
	var names []string
	var compiled []compiledHook
	for _, h := range hooks {
		names = append(names, h.Name)
		compiled = append(compiled, compileHook(t, what, h))
	}
	sort.Strings(names)
	sort.Strings(wantNames)
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("%s: webhooks %v, want %v", what, names, wantNames)
	}
	seen := map[string]int{}
	failures := 0
	for _, r := range requests(s) {
		want := s.wants(r, mutating)
		var got []string
		for _, h := range compiled {
			ok, err := h.reaches(r)
			if err != nil {
				t.Errorf("%s: %s: %s fails to evaluate: %v", what, r, h.Name, err)
				failures++
			}
			if ok {
				got = append(got, h.Name)
			}
		}
		var wantList []string
		if want != "" {
			wantList = []string{want}
			seen[want]++
		}
		if !reflect.DeepEqual(got, wantList) {
			t.Errorf("%s: %s reaches %v, want %v", what, r, got, wantList)
			failures++
		}
		if failures > 20 {
			t.Fatalf("%s: too many failures", what)
		}
	}
	// The model must exercise every webhook, or the check proves nothing.
	for _, n := range wantNames {
		if seen[n] == 0 {
			t.Errorf("%s: no request reaches %s", what, n)
		}
	}
}
