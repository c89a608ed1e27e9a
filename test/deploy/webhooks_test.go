package deploy

import (
	"reflect"
	"strings"
	"testing"

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

// The webhook names argoguard's configurations carry.
const (
	hookMutate          = "mutate.argoguard.io"
	hookConfigMaps      = "validate.argoguard.io"
	hookAppProjects     = "appprojects.validate.argoguard.io"
	hookServiceAccounts = "serviceaccounts.validate.argoguard.io"
)

// webhookEntry unifies the two kinds of webhook for the checks below.
type webhookEntry struct {
	Name                    string
	AdmissionReviewVersions []string
	SideEffects             *admissionv1.SideEffectClass
	FailurePolicy           *admissionv1.FailurePolicyType
	MatchPolicy             *admissionv1.MatchPolicyType
	TimeoutSeconds          *int32
	ClientConfig            admissionv1.WebhookClientConfig
	Rules                   []admissionv1.RuleWithOperations
	NamespaceSelector       *metav1.LabelSelector
	ObjectSelector          *metav1.LabelSelector
	MatchConditions         []admissionv1.MatchCondition
}

// webhooksOf returns the webhooks of a webhook configuration, in order.
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
			entries = append(entries, webhookEntry{w.Name, w.AdmissionReviewVersions, w.SideEffects, w.FailurePolicy, w.MatchPolicy, w.TimeoutSeconds, w.ClientConfig, w.Rules, w.NamespaceSelector, w.ObjectSelector, w.MatchConditions})
		}
	case "ValidatingWebhookConfiguration":
		var c admissionv1.ValidatingWebhookConfiguration
		if err := yaml.UnmarshalStrict([]byte(o.yaml), &c); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.Webhooks {
			entries = append(entries, webhookEntry{w.Name, w.AdmissionReviewVersions, w.SideEffects, w.FailurePolicy, w.MatchPolicy, w.TimeoutSeconds, w.ClientConfig, w.Rules, w.NamespaceSelector, w.ObjectSelector, w.MatchConditions})
		}
	default:
		t.Fatalf("%s is no webhook configuration", o.key())
	}
	return entries
}

// hookNamed returns the one webhook called name.
func hookNamed(t *testing.T, what string, hooks []webhookEntry, name string) webhookEntry {
	t.Helper()
	for _, h := range hooks {
		if h.Name == name {
			return h
		}
	}
	t.Fatalf("%s: no webhook %s", what, name)
	return webhookEntry{}
}

// Every rendering's two webhook configurations: the mutating one sees the
// guarded ConfigMaps; the validating one those, Argo CD's AppProjects and
// the Workflows namespace's rbac-rule ServiceAccounts; failurePolicy by
// mode, 5 s, no side effects, v1 reviews, the Service's /mutate or
// /validate; and no other write in the cluster reaches any of them.
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
		{"helm (read token Secrets)", map[string]any{"readSecrets.tokenSecretNames": true}, admissionv1.Fail},
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
			hooks := webhooksOf(t, find(t, r.objs, kind, "argoguard"))
			for _, hook := range hooks {
				requireCommonSettings(t, what, hook, r.failurePolicy)
			}
			requireScope(t, what, hooks, stockScope, kind == "MutatingWebhookConfiguration")
		}
	}
}

// requireCommonSettings checks what every argoguard webhook shares.
func requireCommonSettings(t *testing.T, what string, hook webhookEntry, fp admissionv1.FailurePolicyType) {
	t.Helper()
	what += " " + hook.Name
	path := "/validate"
	if hook.Name == hookMutate {
		path = "/mutate"
	}
	if hook.FailurePolicy == nil || *hook.FailurePolicy != fp {
		t.Errorf("%s: failurePolicy %v, want %s", what, deref(hook.FailurePolicy), fp)
	}
	if hook.TimeoutSeconds == nil || *hook.TimeoutSeconds != 5 {
		t.Errorf("%s: timeoutSeconds %v, want 5", what, deref(hook.TimeoutSeconds))
	}
	if hook.SideEffects == nil || *hook.SideEffects != admissionv1.SideEffectClassNone {
		t.Errorf("%s: sideEffects %v, want None (dry-run must be allowed)", what, deref(hook.SideEffects))
	}
	if hook.MatchPolicy == nil || *hook.MatchPolicy != admissionv1.Equivalent {
		t.Errorf("%s: matchPolicy %v, want Equivalent", what, deref(hook.MatchPolicy))
	}
	if !reflect.DeepEqual(hook.AdmissionReviewVersions, []string{"v1"}) {
		t.Errorf("%s: admissionReviewVersions %v", what, hook.AdmissionReviewVersions)
	}
	svc := hook.ClientConfig.Service
	if svc == nil || svc.Name != "argoguard" || svc.Namespace != "argoguard" || deref(svc.Path) != path || deref(svc.Port) != int32(443) {
		t.Errorf("%s: clientConfig.service %+v, want argoguard/argoguard:443%s", what, svc, path)
	}
	if hook.ObjectSelector != nil && (len(hook.ObjectSelector.MatchLabels) > 0 || len(hook.ObjectSelector.MatchExpressions) > 0) {
		t.Errorf("%s: objectSelector %+v: a label on the object would let a write skip argoguard", what, hook.ObjectSelector)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
