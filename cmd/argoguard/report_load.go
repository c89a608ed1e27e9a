package main

// Inputs of `argoguard report`: manifests from files, folders or stdin, or
// the live objects of a cluster. Thin: reading and converting only.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/webhook"
)

// loadManifests reads every ConfigMap and Secret in paths (files, folders
// read recursively for .yaml/.yml/.json, or - for stdin). Other kinds are
// skipped; a document that is not YAML is an error naming file and line.
func loadManifests(paths []string, stdin io.Reader) ([]*policy.Object, error) {
	var out []*policy.Object
	for _, p := range paths {
		if p == "-" {
			raw, err := io.ReadAll(stdin)
			if err != nil {
				return nil, err
			}
			objs, err := parseManifests("<stdin>", raw)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
			continue
		}
		files, err := manifestFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			objs, err := parseManifests(f, raw)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
	}
	return out, nil
}

func manifestFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != path {
			return filepath.SkipDir
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			if !d.IsDir() {
				files = append(files, p)
			}
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// parseManifests splits a multi-document file and converts each ConfigMap
// and Secret, with the file line of every data key.
func parseManifests(file string, raw []byte) ([]*policy.Object, error) {
	dec := yamlv3.NewDecoder(bytes.NewReader(raw))
	var out []*policy.Object
	for {
		var doc yamlv3.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yamlv3.MappingNode {
			continue // a CSV file or a bare value: not an object
		}
		text, err := yamlv3.Marshal(root)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, root.Line, err)
		}
		var m struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name        string            `json:"name"`
				Namespace   string            `json:"namespace"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
			Data       map[string]string `json:"data"`
			StringData map[string]string `json:"stringData"`
		}
		if err := yaml.Unmarshal(text, &m); err != nil {
			return nil, fmt.Errorf("%s:%d: not a Kubernetes object: %v", file, root.Line, err)
		}
		if m.Kind != "ConfigMap" && m.Kind != "Secret" {
			continue
		}
		data := map[string]string{}
		for k, v := range m.Data {
			if m.Kind == "Secret" {
				// Secret data is base64; the rules compare decoded values.
				b, err := base64.StdEncoding.DecodeString(v)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: Secret %s data[%q] is not base64: %v", file, root.Line, m.Metadata.Name, k, err)
				}
				v = string(b)
			}
			data[k] = v
		}
		for k, v := range m.StringData {
			data[k] = v
		}
		out = append(out, &policy.Object{
			Ref:         policy.ObjectRef{Kind: m.Kind, Namespace: m.Metadata.Namespace, Name: m.Metadata.Name},
			Labels:      m.Metadata.Labels,
			Annotations: m.Metadata.Annotations,
			Data:        data,
			Source:      &policy.Source{File: file, KeyLines: nodeKeyLines(root), Line: root.Line},
		})
	}
}

// nodeKeyLines maps data and stringData keys to the file line of their
// value's first line.
func nodeKeyLines(root *yamlv3.Node) map[string]int {
	out := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k != "data" && k != "stringData" {
			continue
		}
		data := root.Content[i+1]
		for j := 0; j+1 < len(data.Content); j += 2 {
			v := data.Content[j+1]
			line := v.Line
			if v.Style&(yamlv3.LiteralStyle|yamlv3.FoldedStyle) != 0 {
				line++
			}
			out[data.Content[j].Value] = line
		}
	}
	return out
}

// snapshotOf places the guarded ConfigMaps the settings name, and the
// Secrets, into a snapshot. Objects without a namespace match by name.
func snapshotOf(objs []*policy.Object, set *settings.Settings) (*policy.Snapshot, error) {
	snap := &policy.Snapshot{Settings: set}
	slots := []struct {
		slot      **policy.Object
		namespace string
		name      string
	}{
		{&snap.ArgoCDCM, set.ArgoCD.Namespace, set.ArgoCD.ConfigMap},
		{&snap.RBACCM, set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap},
		{&snap.WorkflowsCM, set.Workflows.Namespace, set.Workflows.ConfigMap},
	}
	for _, o := range objs {
		if o.Ref.Kind == "Secret" {
			snap.Secrets = append(snap.Secrets, o)
			snap.SecretsKnown = true
			continue
		}
		for _, s := range slots {
			if o.Ref.Name != s.name || (o.Ref.Namespace != "" && o.Ref.Namespace != s.namespace) {
				continue
			}
			if *s.slot != nil {
				return nil, fmt.Errorf("%s and %s both define ConfigMap %s/%s", (*s.slot).Source.File, o.Source.File, s.namespace, s.name)
			}
			o.Ref.Namespace = s.namespace
			*s.slot = o
		}
	}
	if snap.ArgoCDCM == nil && snap.RBACCM == nil && snap.WorkflowsCM == nil {
		return nil, fmt.Errorf("none of the guarded ConfigMaps (%s/%s, %s/%s, %s/%s) is in the input",
			set.ArgoCD.Namespace, set.ArgoCD.ConfigMap, set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap,
			set.Workflows.Namespace, set.Workflows.ConfigMap)
	}
	return snap, nil
}

// clusterSnapshot reads the guarded ConfigMaps (and, when the settings
// allow, the Secrets they reference) from the cluster kubeconfig points at.
func clusterSnapshot(ctx context.Context, kubeconfig, kubeContext string, set *settings.Settings) (*policy.Snapshot, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: kubeContext}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	src := &webhook.SnapshotSource{Reader: clientReader{cs}}
	snap, err := src.Build(ctx, set, nil)
	if err != nil {
		return nil, err
	}
	if snap.ArgoCDCM == nil && snap.RBACCM == nil && snap.WorkflowsCM == nil {
		return nil, fmt.Errorf("none of the guarded ConfigMaps exists in the cluster")
	}
	return snap, nil
}

// clientReader reads objects with a plain clientset (no cache: one read).
type clientReader struct{ cs kubernetes.Interface }

func (r clientReader) ConfigMap(ctx context.Context, namespace, name string) (*policy.Object, error) {
	cm, err := r.cs.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return webhook.ConfigMapObject(cm), nil
}

func (r clientReader) Secret(ctx context.Context, namespace, name string) (*policy.Object, error) {
	s, err := r.cs.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return webhook.SecretObject(s), nil
}
