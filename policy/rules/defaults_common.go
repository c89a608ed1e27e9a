package rules

// Shared by the defaulters (defaults_*.go): which guarded object obj is,
// and turning YAML additions into patches with a field and a reason each.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

// Which guarded ConfigMap an object is, by the settings' names.
func isArgoCDCM(set *settings.Settings, obj *policy.Object) bool {
	return obj.Ref.Kind == "ConfigMap" && obj.Ref.Namespace == set.ArgoCD.Namespace && obj.Ref.Name == set.ArgoCD.ConfigMap
}

func isRBACCM(set *settings.Settings, obj *policy.Object) bool {
	return obj.Ref.Kind == "ConfigMap" && obj.Ref.Namespace == set.ArgoCD.Namespace && obj.Ref.Name == set.ArgoCD.RBACConfigMap
}

func isWorkflowsCM(set *settings.Settings, obj *policy.Object) bool {
	return obj.Ref.Kind == "ConfigMap" && obj.Ref.Namespace == set.Workflows.Namespace && obj.Ref.Name == set.Workflows.ConfigMap
}

// fieldDefault is one field a defaulter fills in, with why.
type fieldDefault struct {
	add    sso.Addition
	field  string // YAML path shown in the patch ("connectors[0].config.redirectURI")
	reason string
}

// yamlPatches adds the fields to the map at path inside data[key] one by
// one, and returns a patch per field; each patch holds the value with all
// additions so far, so applying the patches in order gives the final text.
// Nothing is returned when the YAML cannot be edited safely.
func yamlPatches(obj *policy.Object, key string, path []any, defs []fieldDefault) []policy.Patch {
	text := obj.Data[key]
	var out []policy.Patch
	for _, d := range defs {
		next, err := sso.AddFields(text, path, []sso.Addition{d.add})
		if err != nil {
			return out
		}
		if next == text {
			continue
		}
		text = next
		out = append(out, policy.Patch{Object: obj.Ref, Key: key, Value: text, Field: d.field, Reason: d.reason})
	}
	return out
}
