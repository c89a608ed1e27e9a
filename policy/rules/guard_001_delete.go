package rules

// GUARD-001 restricts deleting a guarded ConfigMap: the state a delete
// leaves is the owner's fallback, and none of the fallbacks keeps SSO or
// the RBAC grants working.
//
//   - argocd-rbac-cm: argocd-server reads it once at start and then through
//     an informer with add and update handlers only (util/rbac/rbac.go,
//     RunPolicyLoader and runInformer). A missing ConfigMap is not an error:
//     the next server start runs the built-in policy alone (no policy.csv,
//     no policy.default), so every SSO user loses every grant, while servers
//     already running keep the deleted policy until they restart.
//   - argocd-cm: Argo CD's settings manager returns an error when it is
//     missing (util/settings/settings.go, getConfigMap), so the settings
//     (url, dex.config, accounts) cannot be read and SSO login stops.
//   - the Workflows ConfigMap: Argo Workflows reads a missing ConfigMap as
//     an empty configuration (config/controller.go), so there is no sso and
//     SSO login stops.
//
// Only an admission of a DELETE has such a finding (Operation and Changed);
// the rules of the deleted object's family meanwhile judge the owner's
// fallback (the webhook puts an empty object in its place). Deleting an
// argocd-rbac-cm or Workflows ConfigMap that holds no data leaves what was
// there, and is not a finding.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
)

func init() {
	register(policy.Rule{
		ID: "GUARD-001", Title: "guarded ConfigMap deleted", Severity: policy.SeverityCritical,
		Category: "guard", Action: policy.ActionDeny,
		Doc: "Deleting a guarded ConfigMap leaves its owner on its fallback. Without argocd-rbac-cm the next " +
			"argocd-server start loads only the built-in policy (every SSO user loses every grant; running servers " +
			"keep the old policy until they restart). Without argocd-cm Argo CD cannot read its settings. Without the " +
			"Workflows ConfigMap Argo Workflows runs with no SSO. Edit the ConfigMap instead; a break-glass requester " +
			"(settings breakGlass) may delete it, with a warning, an Event on it and an audit annotation.",
		Check: checkGuardedDelete,
	})
}

func checkGuardedDelete(s *policy.Snapshot) []policy.Finding {
	if s.Operation != "DELETE" || s.Changed == nil || s.Settings == nil {
		return nil
	}
	ref, set := *s.Changed, s.Settings
	at := func(ns, name string) bool {
		return ref.Kind == "ConfigMap" && ref.Namespace == ns && ref.Name == name
	}
	// The old object's data, when the request carried it; without it the
	// deleted object may have held anything.
	held := s.Old == nil || len(s.Old.Data) > 0
	var effect, detail string
	switch {
	case at(set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap):
		if !held {
			return nil
		}
		effect = "Argo CD falls back to its built-in policy: every SSO user loses every grant"
		detail = "argocd-server reads no policy.csv and no policy.default when the ConfigMap is missing; servers " +
			"already running keep the deleted policy until they restart, so the loss shows up later"
	case at(set.ArgoCD.Namespace, set.ArgoCD.ConfigMap):
		effect = "Argo CD cannot read its settings: SSO login stops"
		detail = "Argo CD's settings manager fails when argocd-cm is missing: url, dex.config and the accounts are gone"
	case at(set.Workflows.Namespace, set.Workflows.ConfigMap):
		if !held {
			return nil
		}
		effect = "Argo Workflows runs with an empty configuration: no SSO"
		detail = "Argo Workflows reads a missing ConfigMap as an empty configuration; sso and everything else it held are gone"
	default:
		return nil
	}
	return []policy.Finding{{
		Location: policy.Location{Object: ref},
		Message:  fmt.Sprintf("deleting %s: %s", ref.Name, effect),
		Detail:   detail,
		Fix:      "edit the ConfigMap instead of deleting it; a break-glass requester (settings breakGlass) may delete it",
	}}
}
