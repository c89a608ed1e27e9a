package manifest

import (
	"strings"
	"testing"

	"github.com/argoguard/argoguard/settings"
)

// FuzzParsePolicyFile: any file reads as a ConfigMap or as CSV without
// panicking, and every key line points inside the file.
func FuzzParsePolicyFile(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\ndata:\n  policy.csv: |\n    p, a, b, c, d, allow\n  policy.default: role:readonly\n"))
	f.Add([]byte("p, a, applications, get, */*, allow\ng, x, role:a\n"))
	f.Add([]byte("data:\n  policy.csv: >\n    g, a, b\n"))
	f.Add([]byte("# only a comment\n"))
	f.Add([]byte("kind: ConfigMap\ndata: [1, 2]\n"))
	f.Add([]byte("data:\n  a: &x 1\n  b: *x\n"))
	f.Add([]byte("kind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: argocd-rbac-cm}\n  data: {policy.csv: 'g, a, b'}\n"))
	f.Add([]byte("kind: Deployment\n---\nkind: ConfigMap\nmetadata: {name: argocd-cm}\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		pf, err := ParsePolicyFile("f.yaml", raw, nil)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("unusable input must be an error with a message: %v", err)
			}
			return
		}
		lines := strings.Count(string(raw), "\n") + 1
		for key, line := range pf.Object.Source.KeyLines {
			if line < 1 || line > lines+1 {
				t.Fatalf("key %q at line %d of a %d-line file", key, line, lines)
			}
		}
		if p, _ := pf.Parse(); p != nil && !p.Valid() {
			t.Fatal("parse returned an invalid policy without error")
		}
	})
}

func TestParsePolicyFileKeyLines(t *testing.T) {
	pf, err := ParsePolicyFile("cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rbac\ndata:\n  policy.default: role:readonly\n  policy.csv: |\n    p, a, b, c, d, allow\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pf.CSV || pf.Object.Ref.Name != "rbac" {
		t.Fatalf("not read as a ConfigMap: %+v", pf.Object.Ref)
	}
	if got := pf.Object.Source.KeyLines; got["policy.default"] != 6 || got["policy.csv"] != 8 {
		t.Fatalf("key lines = %v, want policy.default 6, policy.csv 8", got)
	}
	if pf, err := ParsePolicyFile("p.csv", []byte("p, a, b, c, d, allow\n"), nil); err != nil || !pf.CSV {
		t.Fatal("CSV read as a ConfigMap")
	}
}

// argocd-rbac-cm is found in any document of a manifest file and in a
// List; a file without it is an error naming what it holds.
func TestParsePolicyFileFindsRBACConfigMap(t *testing.T) {
	const rbacCM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-rbac-cm\n  namespace: argocd\ndata:\n  policy.csv: |\n    g, a, role:admin\n"
	const argocdCM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  url: https://argocd.example.com\n"
	for _, tc := range []struct {
		name, in string
		line     int    // file line of policy.csv
		errText  string // for refused files
	}{
		{name: "first document", in: rbacCM + "---\n" + argocdCM, line: 8},
		{name: "second document", in: argocdCM + "---\n" + rbacCM, line: 16},
		{name: "in a List", in: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: argocd-cm}\n" +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: argocd-rbac-cm}\n  data:\n    policy.csv: |\n      g, a, role:admin\n", line: 12},
		{name: "only argocd-cm", in: argocdCM, errText: "holds no ConfigMap argocd-rbac-cm; found only ConfigMap argocd/argocd-cm (line 1)"},
		{name: "argocd-cm with RBAC keys", in: argocdCM + "  policy.csv: g, a, role:admin\n", errText: "argocd-cm holds RBAC keys, which Argo CD ignores there"},
		{name: "no ConfigMap", in: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", errText: "holds no ConfigMap argocd-rbac-cm (and no other ConfigMap)"},
		{name: "two other ConfigMaps", in: argocdCM + "---\nkind: ConfigMap\nmetadata: {name: team}\ndata: {policy.csv: 'g, a, b'}\n", errText: "found only ConfigMap argocd/argocd-cm (line 1), ConfigMap team (line 9)"},
		{name: "two argocd-rbac-cm", in: rbacCM + "---\n" + rbacCM, errText: "holds 2 ConfigMaps named argocd-rbac-cm"},
		{name: "broken YAML", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-rbac-cm\n", errText: "not valid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pf, err := ParsePolicyFile("f.yaml", []byte(tc.in), nil)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want one with %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pf.Object.Ref.Name != "argocd-rbac-cm" || pf.Object.Data["policy.csv"] != "g, a, role:admin\n" {
				t.Fatalf("read %s with data %q", pf.Object.Ref, pf.Object.Data)
			}
			if got := pf.Object.Source.KeyLines["policy.csv"]; got != tc.line {
				t.Errorf("policy.csv at file line %d, want %d", got, tc.line)
			}
		})
	}
	// The settings' name is the one looked for.
	set := settings.Default()
	set.ArgoCD.RBACConfigMap = "rbac-policy"
	if _, err := ParsePolicyFile("f.yaml", []byte(rbacCM+"---\n"+argocdCM), set); err == nil || !strings.Contains(err.Error(), "no ConfigMap rbac-policy") {
		t.Fatalf("settings' ConfigMap name not used: %v", err)
	}
}
