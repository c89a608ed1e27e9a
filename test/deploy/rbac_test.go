package deploy

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/snapshot"
)

// recordingReader answers snapshot.AddRBACObjects like a cluster with one
// AppProject and one rbac-rule ServiceAccount, and records what is listed
// where ("namespace resource").
type recordingReader struct{ reads map[string]bool }

func (r *recordingReader) AppProjects(_ context.Context, ns string) ([]*policy.Object, error) {
	r.reads[ns+" argoproj.io/appprojects"] = true
	return nil, nil
}

func (r *recordingReader) ServiceAccounts(_ context.Context, ns string) ([]*policy.Object, error) {
	r.reads[ns+" /serviceaccounts"] = true
	return []*policy.Object{policy.ServiceAccountObject(map[string]any{"metadata": map[string]any{
		"name": "team-a", "namespace": ns,
		"annotations": map[string]any{annotationRule: "'team-a-id' in groups"},
	}})}, nil
}

func (r *recordingReader) TokenSecretNames(_ context.Context, ns string) ([]string, error) {
	r.reads[ns+" /secrets"] = true
	return nil, nil
}

// unnamedReads are the namespace-wide reads a rendering grants argoguard's
// ServiceAccount, "namespace group/resource verbs": rules without
// resourceNames that allow get, list or watch, from Roles (and
// ClusterRoles, namespace "*") bound to it.
func unnamedReads(t *testing.T, objs []object) []string {
	t.Helper()
	bound := map[string]bool{} // "Kind namespace/name" of the bound roles
	for _, o := range objs {
		if o.GetKind() != "RoleBinding" && o.GetKind() != "ClusterRoleBinding" {
			continue
		}
		subjects, _, _ := unstructuredSlice(o.Object, "subjects")
		for _, s := range subjects {
			s := s.(map[string]any)
			if s["kind"] == "ServiceAccount" && s["name"] == "argoguard" && s["namespace"] == "argoguard" {
				ref := nestedStrings(o.Object, "roleRef")
				ns := o.GetNamespace()
				if ref["kind"] == "ClusterRole" {
					ns = ""
				}
				bound[ref["kind"]+" "+ns+"/"+ref["name"]] = true
			}
		}
	}
	var out []string
	for _, o := range objs {
		if (o.GetKind() != "Role" && o.GetKind() != "ClusterRole") || !bound[o.GetKind()+" "+o.GetNamespace()+"/"+o.GetName()] {
			continue
		}
		ns := o.GetNamespace()
		if ns == "" {
			ns = "*"
		}
		rules, _, _ := unstructuredSlice(o.Object, "rules")
		for _, r := range rules {
			r := r.(map[string]any)
			if names, _ := r["resourceNames"].([]any); len(names) > 0 {
				continue
			}
			var verbs []string
			for _, v := range r["verbs"].([]any) {
				if v == "get" || v == "list" || v == "watch" || v == "*" {
					verbs = append(verbs, v.(string))
				}
			}
			if len(verbs) == 0 {
				continue
			}
			resources, _ := r["resources"].([]any)
			groups, _ := r["apiGroups"].([]any)
			for _, g := range groups {
				for _, res := range resources {
					out = append(out, ns+" "+g.(string)+"/"+res.(string)+" "+strings.Join(verbs, ","))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// The reads argoguard makes beside the guarded ConfigMaps (the AppProjects
// of Argo CD's namespace, the ServiceAccounts of the Workflows namespace,
// and, opted in, the token Secrets' names there) are granted, with get,
// list and watch (list and watch for the Secrets' metadata), in exactly
// the namespaces the shipped settings make it read, and nothing else is
// readable namespace-wide: a component turned off, or the Secrets not
// opted in, leaves no grant behind.
func TestRBACGrantsExactlyTheReadsOfAppProjectsAndServiceAccounts(t *testing.T) {
	type rendering struct {
		name         string
		objs         []object
		secretsKnown bool   // the read-secrets opt-in
		off          string // "argocd" or "workflows": the settings disable it
	}
	renderings := []rendering{
		{name: "deploy/base", objs: kustomize(t, "deploy/base")},
		{name: "deploy/overlays/audit", objs: kustomize(t, "deploy/overlays/audit")},
		{name: "deploy/overlays/cert-manager", objs: kustomize(t, "deploy/overlays/cert-manager")},
		{name: "read-secrets", objs: kustomize(t, "test/e2e/testdata/read-secrets"), secretsKnown: true},
		{name: "argocd-only", objs: kustomize(t, "test/deploy/testdata/argocd-only"), off: "workflows"},
		{name: "workflows-only", objs: kustomize(t, "test/deploy/testdata/workflows-only"), off: "argocd"},
	}
	for _, tc := range []struct {
		name         string
		sets         map[string]any
		secretsKnown bool
	}{
		{"helm", nil, false},
		{"helm, readSecrets by name only", map[string]any{"readSecrets.argocd": []any{"argocd-secret"}, "readSecrets.workflows": []any{"wf-sso"}}, false},
		{"helm, tokenSecretNames", map[string]any{"readSecrets.tokenSecretNames": true}, true},
		{"helm, Argo CD only", map[string]any{"settings.workflows.enabled": false, "readSecrets.tokenSecretNames": true}, true},
		{"helm, Workflows only", map[string]any{"settings.argocd.enabled": false, "readSecrets.tokenSecretNames": true}, true},
		{"helm, renamed namespaces", map[string]any{
			"settings.argocd.namespace": "gitops", "settings.workflows.namespace": "ci",
			"readSecrets.tokenSecretNames": true}, true},
	} {
		objs, err := helmTemplate(t, tc.sets)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		renderings = append(renderings, rendering{name: tc.name, objs: objs, secretsKnown: tc.secretsKnown})
	}
	for _, r := range renderings {
		set := loadShippedSettings(t, r.name, find(t, r.objs, "ConfigMap", "argoguard-settings"))
		off := false
		switch r.off {
		case "argocd":
			set.ArgoCD.Enabled = &off
		case "workflows":
			set.Workflows.Enabled = &off
		}
		rec := &recordingReader{reads: map[string]bool{}}
		if notes, err := snapshot.AddRBACObjects(context.Background(), &policy.Snapshot{Settings: set, SecretsKnown: r.secretsKnown}, rec); err != nil || len(notes) > 0 {
			t.Fatalf("%s: %v %q", r.name, err, notes)
		}
		var want []string
		for read := range rec.reads {
			verbs := "get,list,watch"
			if strings.HasSuffix(read, " /secrets") {
				verbs = "list,watch" // metadata only: never a get of one Secret's data
			}
			want = append(want, read+" "+verbs)
		}
		sort.Strings(want)
		if got := unnamedReads(t, r.objs); !reflect.DeepEqual(got, want) {
			t.Errorf("%s grants namespace-wide\n  %s\nargoguard reads\n  %s", r.name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

// The chart's readSecrets.tokenSecretNames renders what the read-secrets
// component adds for the token Secrets' names, and only with that value.
func TestHelmTokenSecretNamesIsTheComponents(t *testing.T) {
	kust := kustomize(t, "test/e2e/testdata/read-secrets")
	on, err := helmTemplate(t, map[string]any{"readSecrets.tokenSecretNames": true}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	off, err := helmTemplate(t, map[string]any{"readSecrets.argocd": []any{"argocd-secret"}, "readSecrets.workflows": []any{"wf-sso"}}, guideValues)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Role", "RoleBinding"} {
		k := find(t, kust, kind, "argoguard-token-secrets")
		h := find(t, on, kind, "argoguard-token-secrets")
		if h.GetNamespace() != k.GetNamespace() || comparable(h) != comparable(k) {
			t.Errorf("%s differs:\nhelm:      %s %s\nkustomize: %s %s", kind, h.GetNamespace(), comparable(h), k.GetNamespace(), comparable(k))
		}
		for _, o := range off {
			if o.GetName() == "argoguard-token-secrets" {
				t.Errorf("%s rendered without readSecrets.tokenSecretNames", o.key())
			}
		}
	}
	for _, o := range kustomize(t, "deploy/base") {
		if o.GetName() == "argoguard-token-secrets" {
			t.Errorf("deploy/base has %s: the token Secrets are opt-in", o.key())
		}
	}
}
