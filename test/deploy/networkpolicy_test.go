package deploy

import (
	"reflect"
	"sort"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

const networkPolicyKustomization = "test/deploy/testdata/network-policy"

// The optional NetworkPolicy (kustomize component, chart value, off by
// default) selects argoguard's pods and admits traffic to exactly two of
// their ports: the webhook's and /metrics'. The probe port and anything
// else are not admitted.
func TestNetworkPolicyAdmitsOnlyTheWebhookAndMetricsPorts(t *testing.T) {
	for _, what := range []string{"deploy/base", "helm (default values)"} {
		objs := kustomize(t, "deploy/base")
		if what != "deploy/base" {
			var err error
			if objs, err = helmTemplate(t, nil, guideValues); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range objs {
			if o.GetKind() == "NetworkPolicy" {
				t.Errorf("%s renders NetworkPolicy %s: it is opt-in", what, o.GetName())
			}
		}
	}

	kustObjs := kustomize(t, networkPolicyKustomization)
	helmObjs, err := helmTemplate(t, map[string]any{"networkPolicy.enabled": true}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	requireValidObjects(t, networkPolicyKustomization, kustObjs)
	requireValidObjects(t, "helm (networkPolicy.enabled)", helmObjs)
	hp, kp := find(t, helmObjs, "NetworkPolicy", "argoguard"), find(t, kustObjs, "NetworkPolicy", "argoguard")
	if got, want := comparable(hp), comparable(kp); got != want {
		t.Errorf("NetworkPolicy differs:\nhelm:      %s\nkustomize: %s", got, want)
	}

	for what, objs := range map[string][]object{networkPolicyKustomization: kustObjs, "helm": helmObjs} {
		var np networkingv1.NetworkPolicy
		var dep appsv1.Deployment
		decode(t, find(t, objs, "NetworkPolicy", "argoguard"), &np)
		decode(t, find(t, objs, "Deployment", "argoguard"), &dep)
		sel, err := metav1LabelSelector(np)
		if err != nil {
			t.Fatal(err)
		}
		if np.Namespace != dep.Namespace || !sel.Matches(labels.Set(dep.Spec.Template.Labels)) {
			t.Errorf("%s: the NetworkPolicy does not select argoguard's pods", what)
		}
		if !reflect.DeepEqual(np.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}) {
			t.Errorf("%s: policyTypes %v, want [Ingress]", what, np.Spec.PolicyTypes)
		}
		// Resolve the named ports as the network plugin does, against the
		// container's ports.
		byName := map[string]int32{}
		for _, p := range dep.Spec.Template.Spec.Containers[0].Ports {
			byName[p.Name] = p.ContainerPort
		}
		var admitted []int32
		for _, rule := range np.Spec.Ingress {
			if len(rule.Ports) == 0 {
				t.Errorf("%s: an ingress rule without ports admits every port", what)
			}
			for _, p := range rule.Ports {
				n, ok := byName[p.Port.StrVal]
				if p.Port.IntVal != 0 || !ok {
					t.Errorf("%s: port %s is not a named port of the container", what, p.Port.String())
				}
				admitted = append(admitted, n)
			}
		}
		sort.Slice(admitted, func(i, j int) bool { return admitted[i] < admitted[j] })
		want := []int32{byName["metrics"], byName["webhook"]}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		if !reflect.DeepEqual(admitted, want) || byName["probes"] == 0 {
			t.Errorf("%s: admits ports %v, want exactly webhook and metrics %v (container ports %v)", what, admitted, want, byName)
		}
	}

	// Narrowing the sources is a value away.
	narrowed, err := helmTemplate(t, map[string]any{"networkPolicy.enabled": true,
		"networkPolicy.webhookFrom": []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.0.0.0/16"}}}}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	var np networkingv1.NetworkPolicy
	decode(t, find(t, narrowed, "NetworkPolicy", "argoguard"), &np)
	if from := np.Spec.Ingress[0].From; len(from) != 1 || from[0].IPBlock == nil || from[0].IPBlock.CIDR != "10.0.0.0/16" {
		t.Errorf("webhookFrom not rendered as the webhook rule's from: %+v", np.Spec.Ingress[0])
	}
}

// /metrics is HTTPS with authentication and authorization in every
// rendering: the flag is on, argoguard may create the two reviews, and a
// reader role exists for scrapers (bound by the user, so not bound here).
func TestMetricsNeedAnAuthorizedToken(t *testing.T) {
	renderings := map[string][]object{}
	for _, dir := range kustomizations {
		renderings[dir] = kustomize(t, dir)
	}
	helmObjs, err := helmTemplate(t, nil, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	renderings["helm"] = helmObjs
	for what, objs := range renderings {
		var dep appsv1.Deployment
		decode(t, find(t, objs, "Deployment", "argoguard"), &dep)
		args := dep.Spec.Template.Spec.Containers[0].Args
		if !contains(args, "--metrics-secure=true") {
			t.Errorf("%s: webhook args %v lack --metrics-secure=true", what, args)
		}
		var auth, reader rbacv1.ClusterRole
		var binding rbacv1.ClusterRoleBinding
		decode(t, find(t, objs, "ClusterRole", "argoguard-metrics-auth"), &auth)
		decode(t, find(t, objs, "ClusterRole", "argoguard-metrics-reader"), &reader)
		decode(t, find(t, objs, "ClusterRoleBinding", "argoguard-metrics-auth"), &binding)
		want := []rbacv1.PolicyRule{
			{APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"tokenreviews"}, Verbs: []string{"create"}},
			{APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"subjectaccessreviews"}, Verbs: []string{"create"}},
		}
		if !reflect.DeepEqual(auth.Rules, want) {
			t.Errorf("%s: argoguard-metrics-auth rules %+v", what, auth.Rules)
		}
		if binding.RoleRef.Name != auth.Name || len(binding.Subjects) != 1 || binding.Subjects[0].Name != dep.Spec.Template.Spec.ServiceAccountName ||
			binding.Subjects[0].Namespace != dep.Namespace {
			t.Errorf("%s: argoguard-metrics-auth is not bound to argoguard's ServiceAccount: %+v", what, binding)
		}
		if len(reader.Rules) != 1 || !reflect.DeepEqual(reader.Rules[0].NonResourceURLs, []string{"/metrics"}) || !reflect.DeepEqual(reader.Rules[0].Verbs, []string{"get"}) {
			t.Errorf("%s: argoguard-metrics-reader rules %+v", what, reader.Rules)
		}
	}
}

func decode(t *testing.T, o object, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(o.yaml), into); err != nil {
		t.Fatalf("%s: %v", o.key(), err)
	}
}

func metav1LabelSelector(np networkingv1.NetworkPolicy) (labels.Selector, error) {
	return labels.SelectorFromSet(np.Spec.PodSelector.MatchLabels), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
