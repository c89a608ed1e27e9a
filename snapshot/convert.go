package snapshot

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/argoguard/argoguard/policy"
)

// ConfigMapObject converts a ConfigMap to the form policy/ judges.
func ConfigMapObject(cm *corev1.ConfigMap) *policy.Object {
	return &policy.Object{
		Ref:         policy.ObjectRef{Kind: "ConfigMap", Namespace: cm.Namespace, Name: cm.Name},
		Labels:      cm.Labels,
		Annotations: cm.Annotations,
		Data:        cm.Data,
	}
}

// SecretObject converts a Secret; its values are kept for comparison by the
// rules and are never logged or reported.
func SecretObject(s *corev1.Secret) *policy.Object {
	data := make(map[string]string, len(s.Data)+len(s.StringData))
	for k, v := range s.Data {
		data[k] = string(v)
	}
	for k, v := range s.StringData {
		data[k] = v
	}
	return &policy.Object{
		Ref:         policy.ObjectRef{Kind: "Secret", Namespace: s.Namespace, Name: s.Name},
		Labels:      s.Labels,
		Annotations: s.Annotations,
		Data:        data,
	}
}
