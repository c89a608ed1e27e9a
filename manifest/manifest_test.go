package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/settings"
)

const argocdCM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels: {app.kubernetes.io/part-of: argocd}
data:
  url: https://argocd.example.com
  dex.config: |
    connectors:
    - type: saml
      config:
        caData: $dex-saml:caData
`

const workflowsCM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: workflow-controller-configmap
data:
  sso: |
    clientId: {name: wf-sso, key: client-id}
    clientSecret: {name: wf-sso, key: client-secret}
`

const secrets = `apiVersion: v1
kind: Secret
metadata: {name: wf-sso, namespace: argo}
data:
  client-id: d29ya2Zsb3dz
stringData:
  client-secret: plain
---
apiVersion: v1
kind: Secret
metadata: {name: dex-saml, namespace: argocd}
stringData: {caData: abc}
---
apiVersion: v1
kind: Secret
metadata: {name: unrelated, namespace: argocd}
stringData: {x: y}
`

func load(t *testing.T, docs ...string) (*Set, error) {
	t.Helper()
	l := &Loader{Settings: settings.Default()}
	for i, d := range docs {
		if err := l.Parse("in"+string(rune('0'+i))+".yaml", []byte(d)); err != nil {
			return nil, err
		}
	}
	return l.Result(), nil
}

func TestLoadRecognisesGuardedObjects(t *testing.T) {
	stream := argocdCM + "---\n" + workflowsCM + "---\n" + secrets +
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm, namespace: other}\ndata: {url: x}\n" +
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: argocd-server}\n"
	s, err := load(t, stream)
	if err != nil {
		t.Fatal(err)
	}
	if s.ArgoCDCM == nil || s.WorkflowsCM == nil || s.RBACCM != nil {
		t.Fatalf("objects %+v", s)
	}
	if got := s.ArgoCDCM.Source.KeyLines; got["url"] != 8 || got["dex.config"] != 10 {
		t.Errorf("key lines %v, want url 8 and dex.config 10 (the line after `|`)", got)
	}
	if s.ArgoCDCM.Labels["app.kubernetes.io/part-of"] != "argocd" || s.ArgoCDCM.Source.Line != 1 {
		t.Errorf("labels %v line %d", s.ArgoCDCM.Labels, s.ArgoCDCM.Source.Line)
	}
	if s.WorkflowsCM.Ref.Namespace != "argo" || s.WorkflowsCM.Source.Line != 15 {
		t.Errorf("namespace-less ConfigMap: %v at line %d", s.WorkflowsCM.Ref, s.WorkflowsCM.Source.Line)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "ConfigMap other/argocd-cm ignored") {
		t.Errorf("notes %v", s.Notes)
	}
	if len(s.Secrets) != 2 || s.SecretFiles != 3 || s.Ignored != 3 {
		t.Errorf("secrets %d (want 2 referenced), files %d, ignored %d", len(s.Secrets), s.SecretFiles, s.Ignored)
	}
	snap := s.Snapshot(settings.Default(), nowForTest)
	wf := snap.Secret("argo", "wf-sso")
	if wf == nil || wf.Data["client-id"] != "workflows" || wf.Data["client-secret"] != "plain" {
		t.Errorf("Secret data not decoded: %v", wf)
	}
	if !snap.SecretsKnown {
		t.Errorf("Secrets given: SecretsKnown must be true")
	}
}

func TestLoadListJSONAndFolders(t *testing.T) {
	dir := t.TempDir()
	list := `{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "argocd-rbac-cm", "namespace": "argocd"}, "data": {"policy.csv": "p, a, b, c, d, allow"}}]}`
	must(t, os.MkdirAll(filepath.Join(dir, "sub", ".git"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "rbac.json"), []byte(list), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "argocd-cm.yml"), []byte(argocdCM), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("not yaml: ["), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "sub", ".git", "x.yaml"), []byte("not: [yaml"), 0o600))
	s, err := Load(settings.Default(), nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.RBACCM == nil || s.RBACCM.Data["policy.csv"] == "" || s.ArgoCDCM == nil {
		t.Fatalf("folder: %+v", s)
	}
	if s.RBACCM.Source.File != filepath.Join(dir, "sub", "rbac.json") {
		t.Errorf("file %q", s.RBACCM.Source.File)
	}
	stdin, err := Load(settings.Default(), strings.NewReader(argocdCM), "-")
	if err != nil || stdin.ArgoCDCM == nil || stdin.ArgoCDCM.Source.File != "<stdin>" {
		t.Errorf("stdin: %v %+v", err, stdin)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		line           int
	}{
		{"invalid YAML", "kind: ConfigMap\nmetadata: {name: argocd-cm\n", "not valid YAML", 0},
		{"bool value", "kind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  admin.enabled: false\n", `data["admin.enabled"] is a boolean`, 4},
		{"list value", "kind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  scopes: [groups]\n", "is a list", 4},
		{"concatenated", argocdCM + argocdCM, `key "apiVersion" appears twice`, 14},
		{"twice", argocdCM + "---\n" + argocdCM, "given twice (also at in0.yaml:1)", 15},
		{"no name", "kind: ConfigMap\nmetadata: {namespace: argocd}\n", "", 0},
		{"secret not base64", "kind: Secret\nmetadata: {name: s}\ndata: {k: '!!!'}\n", `data["k"] is not base64`, 3},
		// dex.config: | followed by lines at the key's own indentation.
		{"mis-indented dex.config", "kind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  dex.config: |\n  connectors:\n  - type: saml\n",
			`"dex.config" at line 4 is empty because the lines under it are not indented deeper than the key, so "connectors" became a key of its own`, 5},
		{"mis-indented dex.config shows the fix", "kind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  dex.config: |\n  logger: {level: info}\n",
			"  dex.config: |\n    logger:", 5},
		{"filled block before a list is not blamed", "kind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  dex.config: |\n    connectors: []\n  scopes: [groups]\n",
			`data["scopes"] is a list; values must be strings`, 6},
		{"deep", "kind: ConfigMap\nmetadata: {name: x}\nz: " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n", "nested more than", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.in)
			if tc.want == "" {
				if err != nil {
					t.Errorf("unexpected error %v", err)
				}
				return
			}
			var me *Error
			if !errors.As(err, &me) || !strings.Contains(me.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if tc.line != 0 && me.Line != tc.line {
				t.Errorf("line %d, want %d", me.Line, tc.line)
			}
			if strings.Contains(me.Error(), "!!!") {
				t.Errorf("error shows the Secret value: %v", me)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// zeros is an endless stream, like a runaway pipe.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	return len(p), nil
}

func TestLoadRefusesEndlessInput(t *testing.T) {
	_, err := Load(settings.Default(), zeros{}, "-")
	if err == nil || !strings.Contains(err.Error(), "MiB of input") {
		t.Errorf("endless stdin: %v", err)
	}
}
