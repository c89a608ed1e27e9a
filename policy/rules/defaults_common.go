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

// mapDefaults are the fields to add to one map of a YAML value.
type mapDefaults struct {
	path []any
	defs []fieldDefault
}

// yamlPatches adds the fields to the maps inside data[key], parsing and
// rendering the value once, and returns a patch per field added; each
// holds the final value, so applying the patches in order (or the last)
// gives it. A map that cannot be edited safely gets no patches.
func yamlPatches(obj *policy.Object, key string, maps []mapDefaults) []policy.Patch {
	edits := make([]sso.Edit, len(maps))
	for i, m := range maps {
		edits[i].Path = m.path
		for _, d := range m.defs {
			edits[i].Adds = append(edits[i].Adds, d.add)
		}
	}
	text, added, err := sso.ApplyEdits(obj.Data[key], edits)
	if err != nil {
		return nil
	}
	var out []policy.Patch
	for i, m := range maps {
		for j, d := range m.defs {
			if added[i] != nil && added[i][j] {
				out = append(out, policy.Patch{Object: obj.Ref, Key: key, Value: text, Field: d.field, Reason: d.reason})
			}
		}
	}
	return out
}
