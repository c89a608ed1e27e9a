package deploy

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

type guarded struct{ namespace, name string }

// The stock guarded objects (settings defaults, deploy/base).
var stockGuarded = []guarded{
	{"argocd", "argocd-cm"},
	{"argocd", "argocd-rbac-cm"},
	{"argo", "workflow-controller-configmap"},
}

// webhookEntry unifies the two kinds of webhook for the checks below.
type webhookEntry struct {
	Name                    string
	AdmissionReviewVersions []string
	SideEffects             *admissionv1.SideEffectClass
	FailurePolicy           *admissionv1.FailurePolicyType
	TimeoutSeconds          *int32
	ClientConfig            admissionv1.WebhookClientConfig
	Rules                   []admissionv1.RuleWithOperations
	NamespaceSelector       *metav1.LabelSelector
	MatchConditions         []admissionv1.MatchCondition
}

func webhooksOf(t *testing.T, o object) []webhookEntry {
	t.Helper()
	var entries []webhookEntry
	switch o.GetKind() {
	case "MutatingWebhookConfiguration":
		var c admissionv1.MutatingWebhookConfiguration
		if err := yaml.UnmarshalStrict([]byte(o.yaml), &c); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.Webhooks {
			entries = append(entries, webhookEntry{w.Name, w.AdmissionReviewVersions, w.SideEffects, w.FailurePolicy, w.TimeoutSeconds, w.ClientConfig, w.Rules, w.NamespaceSelector, w.MatchConditions})
		}
	case "ValidatingWebhookConfiguration":
		var c admissionv1.ValidatingWebhookConfiguration
		if err := yaml.UnmarshalStrict([]byte(o.yaml), &c); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.Webhooks {
			entries = append(entries, webhookEntry{w.Name, w.AdmissionReviewVersions, w.SideEffects, w.FailurePolicy, w.TimeoutSeconds, w.ClientConfig, w.Rules, w.NamespaceSelector, w.MatchConditions})
		}
	default:
		t.Fatalf("%s is no webhook configuration", o.key())
	}
	if len(entries) != 1 {
		t.Fatalf("%s: %d webhooks, want 1", o.key(), len(entries))
	}
	return entries
}

// Every rendering's two webhook configurations: ConfigMaps only, the
// guarded namespaces only, matchConditions selecting exactly the guarded
// objects, failurePolicy by mode, 5 s, no side effects, v1 reviews.
func TestWebhookConfigurationsGuardExactlyTheGuardedObjects(t *testing.T) {
	type rendering struct {
		name          string
		objs          []object
		failurePolicy admissionv1.FailurePolicyType
	}
	var renderings []rendering
	for _, dir := range kustomizations {
		fp := admissionv1.Fail
		if strings.Contains(dir, "audit") {
			fp = admissionv1.Ignore
		}
		renderings = append(renderings, rendering{dir, kustomize(t, dir), fp})
	}
	for _, tc := range []struct {
		name string
		sets map[string]any
		fp   admissionv1.FailurePolicyType
	}{
		{"helm (default values)", nil, admissionv1.Fail},
		{"helm (audit)", map[string]any{"settings.mode": "audit"}, admissionv1.Ignore},
		{"helm (cert-manager)", map[string]any{"certManagement": "cert-manager"}, admissionv1.Fail},
		{"helm (enforce, failurePolicy Ignore by choice)", map[string]any{"webhook.failurePolicy": "Ignore"}, admissionv1.Ignore},
	} {
		objs, err := helmTemplate(t, tc.sets)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		renderings = append(renderings, rendering{tc.name, objs, tc.fp})
	}

	for _, r := range renderings {
		for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
			what := r.name + " " + kind
			hook := webhooksOf(t, find(t, r.objs, kind, "argoguard"))[0]
			ops := []admissionv1.OperationType{admissionv1.Create, admissionv1.Update, admissionv1.Delete}
			path, name := "/validate", "validate.argoguard.io"
			if kind == "MutatingWebhookConfiguration" {
				ops, path, name = ops[:2], "/mutate", "mutate.argoguard.io"
			}
			if hook.Name != name {
				t.Errorf("%s: webhook name %q, want %q", what, hook.Name, name)
			}
			if hook.FailurePolicy == nil || *hook.FailurePolicy != r.failurePolicy {
				t.Errorf("%s: failurePolicy %v, want %s", what, deref(hook.FailurePolicy), r.failurePolicy)
			}
			if hook.TimeoutSeconds == nil || *hook.TimeoutSeconds != 5 {
				t.Errorf("%s: timeoutSeconds %v, want 5", what, deref(hook.TimeoutSeconds))
			}
			if hook.SideEffects == nil || *hook.SideEffects != admissionv1.SideEffectClassNone {
				t.Errorf("%s: sideEffects %v, want None (dry-run must be allowed)", what, deref(hook.SideEffects))
			}
			if !reflect.DeepEqual(hook.AdmissionReviewVersions, []string{"v1"}) {
				t.Errorf("%s: admissionReviewVersions %v", what, hook.AdmissionReviewVersions)
			}
			svc := hook.ClientConfig.Service
			if svc == nil || svc.Name != "argoguard" || svc.Namespace != "argoguard" || deref(svc.Path) != path || deref(svc.Port) != int32(443) {
				t.Errorf("%s: clientConfig.service %+v, want argoguard/argoguard:443%s", what, svc, path)
			}
			if len(hook.Rules) != 1 || !reflect.DeepEqual(hook.Rules[0].Operations, ops) ||
				!reflect.DeepEqual(hook.Rules[0].Resources, []string{"configmaps"}) ||
				!reflect.DeepEqual(hook.Rules[0].APIGroups, []string{""}) {
				t.Errorf("%s: rules %+v, want ConfigMaps %v", what, hook.Rules, ops)
			}
			if sel := hook.NamespaceSelector; sel == nil || len(sel.MatchExpressions) != 1 ||
				sel.MatchExpressions[0].Key != "kubernetes.io/metadata.name" ||
				!reflect.DeepEqual(sel.MatchExpressions[0].Values, []string{"argocd", "argo"}) {
				t.Errorf("%s: namespaceSelector %+v, want kubernetes.io/metadata.name in [argocd argo]", what, sel)
			}
			requireSelects(t, what, hook, stockGuarded)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// requireSelects evaluates the webhook's matchConditions with cel-go (the
// library and version kube-apiserver v1.37.2 uses) over admission requests,
// and checks that exactly the guarded objects reach the webhook, on every
// operation, and that no request makes a condition fail to evaluate (with
// failurePolicy Fail an evaluation error would reject the write).
func requireSelects(t *testing.T, what string, hook webhookEntry, objects []guarded) {
	t.Helper()
	if len(hook.MatchConditions) == 0 {
		t.Fatalf("%s: no matchConditions: every ConfigMap write in the namespaces would reach argoguard", what)
	}
	env, err := cel.NewEnv(
		cel.Variable("request", cel.DynType),
		cel.Variable("object", cel.DynType),
		cel.Variable("oldObject", cel.DynType),
	)
	if err != nil {
		t.Fatal(err)
	}
	var programs []cel.Program
	for _, mc := range hook.MatchConditions {
		ast, iss := env.Compile(mc.Expression)
		if iss.Err() != nil {
			t.Fatalf("%s: matchCondition %s does not compile: %v", what, mc.Name, iss.Err())
		}
		if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
			t.Fatalf("%s: matchCondition %s yields %v, not bool", what, mc.Name, ast.OutputType())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		programs = append(programs, prg)
	}
	matches := func(op, ns, name string, generate bool) (bool, error) {
		meta := map[string]any{"namespace": ns, "name": name}
		reqName := name
		if generate {
			meta = map[string]any{"namespace": ns, "generateName": name}
			reqName = ""
		}
		obj := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}
		vars := map[string]any{
			"request":   map[string]any{"operation": op, "namespace": ns, "name": reqName},
			"object":    obj,
			"oldObject": nil,
		}
		switch op {
		case "UPDATE":
			vars["oldObject"] = obj
		case "DELETE":
			vars["object"], vars["oldObject"] = nil, obj
		}
		for _, prg := range programs {
			out, _, err := prg.Eval(vars)
			if err != nil {
				return false, err
			}
			if out.Value() != true {
				return false, nil
			}
		}
		return true, nil
	}
	isGuarded := map[guarded]bool{}
	namespaces := map[string]bool{"default": true, "kube-system": true}
	for _, g := range objects {
		isGuarded[g] = true
		namespaces[g.namespace] = true
	}
	names := []string{"argocd-notifications-cm", "argocd-cmd-params-cm", "my-config"}
	for _, g := range append(objects, stockGuarded...) {
		names = append(names, g.name)
	}
	for ns := range namespaces {
		for _, name := range names {
			for _, op := range []string{"CREATE", "UPDATE", "DELETE"} {
				got, err := matches(op, ns, name, false)
				if err != nil {
					t.Errorf("%s: %s %s/%s: matchConditions fail to evaluate: %v", what, op, ns, name, err)
					continue
				}
				if want := isGuarded[guarded{ns, name}]; got != want {
					t.Errorf("%s: %s %s/%s reaches argoguard: %v, want %v", what, op, ns, name, got, want)
				}
			}
			// generateName: no name yet at the mutating stage.
			got, err := matches("CREATE", ns, name+"-", true)
			if err != nil || got {
				t.Errorf("%s: CREATE %s/ generateName %s-: match %v, error %v; want no match and no error", what, ns, name, got, err)
			}
		}
	}
}
