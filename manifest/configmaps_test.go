package manifest

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigMaps(t *testing.T) {
	rbacCM := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-rbac-cm\n  namespace: argocd\ndata:\n  policy.csv: |\n    g, a, role:admin\n"
	deploy := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"
	for _, tc := range []struct {
		name      string
		in        string
		manifest  bool
		names     []string
		policyAt  int // file line of policy.csv in the first ConfigMap (0: not checked)
		wantError string
	}{
		{name: "one ConfigMap", in: rbacCM, manifest: true, names: []string{"argocd-rbac-cm"}, policyAt: 8},
		{name: "second document", in: deploy + "---\n" + rbacCM, manifest: true, names: []string{"argocd-rbac-cm"}, policyAt: 13},
		{name: "in a List", in: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: argocd-cm}\n" +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: argocd-rbac-cm}\n  data:\n    policy.csv: |\n      g, a, role:admin\n",
			manifest: true, names: []string{"argocd-cm", "argocd-rbac-cm"}},
		{name: "JSON List", in: `{"kind": "ConfigMapList", "items": [{"kind": "ConfigMap", "metadata": {"name": "argocd-rbac-cm"}, "data": {"policy.csv": "g, a, b"}}]}`,
			manifest: true, names: []string{"argocd-rbac-cm"}},
		{name: "no ConfigMap", in: deploy, manifest: true},
		{name: "data without kind", in: "data:\n  policy.csv: g, a, b\n", manifest: true, names: []string{""}},
		{name: "CSV policy", in: "p, role:dev, applications, get, */*, allow\ng, devs, role:dev\n", manifest: false},
		{name: "CSV that is not YAML", in: "p, role:dev, applications, get, \"a: b\", allow\n\tg, x, y: z\n", manifest: false},
		{name: "broken manifest", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n", manifest: true, wantError: "not valid YAML"},
		{name: "value not a string", in: "kind: ConfigMap\nmetadata: {name: argocd-rbac-cm}\ndata:\n  scopes: [groups]\n", manifest: true, wantError: "is a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cms, isManifest, err := ConfigMaps("f.yaml", []byte(tc.in))
			if isManifest != tc.manifest {
				t.Fatalf("isManifest = %v, want %v", isManifest, tc.manifest)
			}
			if tc.wantError != "" {
				var me *Error
				if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("error %v, want %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cms {
				names = append(names, c.Ref.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.names, ",") {
				t.Fatalf("ConfigMaps %q, want %q", names, tc.names)
			}
			if tc.policyAt != 0 && cms[0].Source.KeyLines["policy.csv"] != tc.policyAt {
				t.Errorf("policy.csv at file line %d, want %d", cms[0].Source.KeyLines["policy.csv"], tc.policyAt)
			}
		})
	}
}

// FuzzConfigMaps: any input is read, refused with an *Error, or left to
// the caller as not a manifest; never a panic. Key lines point into it.
func FuzzConfigMaps(f *testing.F) {
	for _, s := range []string{argocdCM, argocdCM + "---\n" + workflowsCM, "p, a, b, c, d, allow\n",
		`{"kind": "List", "items": [{"kind": "ConfigMap", "metadata": {"name": "argocd-rbac-cm"}, "data": {"a": "b"}}]}`,
		"kind: List\nitems:\n- kind: List\n  items:\n  - kind: List\n    items: []\n", "data: &d {a: *d}\n",
		"kind: ConfigMap\ndata:\n  dex.config: |\n  connectors: []\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cms, isManifest, err := ConfigMaps("fuzz.yaml", []byte(in))
		if err != nil {
			if _, ok := err.(*Error); !ok || !isManifest {
				t.Fatalf("error %T %v (isManifest %v)", err, err, isManifest)
			}
			return
		}
		lines := strings.Count(in, "\n") + 1
		for _, c := range cms {
			if !isManifest || c.Source == nil || c.Source.File != "fuzz.yaml" {
				t.Fatalf("ConfigMap without source: %+v", c)
			}
			for k, line := range c.Source.KeyLines {
				if line < 1 || line > lines+1 {
					t.Fatalf("key %q at line %d of a %d-line input", k, line, lines)
				}
			}
		}
	})
}
