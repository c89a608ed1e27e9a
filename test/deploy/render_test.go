// Package deploy tests what argoguard ships under deploy/: every
// kustomization builds (kustomize's own krusty) into objects the Kubernetes
// types accept strictly, the Helm chart lints and renders (helm's own Go
// packages, as `helm lint` and `helm template` run them) into the same
// objects, the webhook configurations' matchConditions select exactly the
// guarded objects (evaluated with cel-go, the CEL of kube-apiserver), and
// the settings shipped in each parse with argoguard's own parser.
//
// A separate module, so helm and kustomize stay out of argoguard's go.mod.
package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// repo is the argoguard checkout (this module lives in test/deploy).
var repo = filepath.Join("..", "..")

const (
	chartDir      = "../../deploy/helm/argoguard"
	guideValues   = "../../deploy/helm/argoguard/ci/guide-values.yaml"
	releaseName   = "argoguard"
	releaseNS     = "argoguard"
	kubeVersion   = "v1.37.2"
	guideSettings = "../../test/testdata/guide/argoguard-settings.yaml"
)

// object is one rendered manifest.
type object struct {
	*unstructured.Unstructured
	yaml string
}

func (o object) key() string {
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// kustomize builds a kustomization of the repository with krusty, as
// `kustomize build` does.
func kustomize(t *testing.T, dir string) []object {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(repo, dir))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, dir, out)
}

// helmTemplate renders the chart as `helm template argoguard
// deploy/helm/argoguard -n argoguard -f <values files> --set ...` does.
func helmTemplate(t *testing.T, sets map[string]any, valueFiles ...string) ([]object, error) {
	t.Helper()
	vals, err := helmValues(sets, valueFiles...)
	if err != nil {
		return nil, err
	}
	chart, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("loading the chart: %v", err)
	}
	install := action.NewInstall(&action.Configuration{})
	install.DryRun = true
	install.DryRunOption = "client"
	install.ClientOnly = true
	install.Replace = true
	install.ReleaseName = releaseName
	install.Namespace = releaseNS
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	install.KubeVersion = kv
	rel, err := install.Run(chart, vals)
	if err != nil {
		return nil, err
	}
	return parse(t, "helm template", []byte(rel.Manifest)), nil
}

// helmValues merges values files and --set style overrides (dotted keys).
func helmValues(sets map[string]any, valueFiles ...string) (map[string]any, error) {
	vals := map[string]any{}
	for _, f := range valueFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var v map[string]any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		vals = chartutil.CoalesceTables(v, vals)
	}
	for path, value := range sets {
		m := vals
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = value
	}
	return vals, nil
}

func parse(t *testing.T, what string, data []byte) []object {
	t.Helper()
	var out []object
	for _, doc := range splitYAML(data) {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("%s: not YAML: %v\n%s", what, err, doc)
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, object{Unstructured: &unstructured.Unstructured{Object: m}, yaml: doc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

func splitYAML(data []byte) []string {
	var docs []string
	var cur bytes.Buffer
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.TrimRight(line, " \r\n") == "---" {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	return append(docs, cur.String())
}

// find returns the one object of kind and name.
func find(t *testing.T, objs []object, kind, name string) object {
	t.Helper()
	var found []object
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d objects of kind %s named %s, want 1", len(found), kind, name)
	}
	return found[0]
}

func keys(objs []object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.key())
	}
	sort.Strings(out)
	return out
}
