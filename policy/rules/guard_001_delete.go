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
// In an admission only a DELETE has such a finding (Operation and Changed);
// outside one (the audit controller) each guarded object the cluster does
// not have (Missing) is reported as absent;
// the rules of the deleted object's family meanwhile judge the owner's
// fallback (the webhook puts an empty object in its place). Deleting an
// argocd-rbac-cm or Workflows ConfigMap that holds no data leaves what was
// there, and is not a finding.

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

var ruleGUARD001 = policy.Rule{
	ID: "GUARD-001", Title: "guarded ConfigMap deleted", Severity: policy.SeverityCritical,
	Category: "guard", Action: policy.ActionDeny,
	Doc: "Deleting a guarded ConfigMap leaves its owner on its fallback. Without argocd-rbac-cm the next " +
		"argocd-server start loads only the built-in policy (every SSO user loses every grant; running servers " +
		"keep the old policy until they restart). Without argocd-cm Argo CD cannot read its settings. Without the " +
		"Workflows ConfigMap Argo Workflows runs with no SSO. Edit the ConfigMap instead; a break-glass requester " +
		"(settings breakGlass) may delete it, with a warning, an Event on it and an audit annotation.",
	Check: checkGuardedDelete,
}

func checkGuardedDelete(s *policy.Snapshot) []policy.Finding {
	if s.Settings == nil {
		return nil
	}
	if s.Operation == "" {
		return guardedAbsent(s)
	}
	if s.Operation != "DELETE" || s.Changed == nil {
		return nil
	}
	ref := *s.Changed
	// The old object's data, when the request carried it; without it the
	// deleted object may have held anything.
	held := s.Old == nil || len(s.Old.Data) > 0
	effect, detail, ok := fallback(s.Settings, ref, held)
	if !ok {
		return nil
	}
	return []policy.Finding{{
		Location: policy.Location{Object: ref},
		Message:  fmt.Sprintf("deleting %s: %s", ref.Name, effect),
		Detail:   detail,
		Fix:      "edit the ConfigMap instead of deleting it; a break-glass requester (settings breakGlass) may delete it",
	}}
}

// guardedAbsent reports, outside an admission (the audit controller, a
// report of a live cluster), each guarded object the cluster does not have:
// its owner already runs on the fallback, e.g. after a delete in audit mode.
func guardedAbsent(s *policy.Snapshot) []policy.Finding {
	var out []policy.Finding
	for _, ref := range s.Missing {
		effect, detail, ok := fallback(s.Settings, ref, true)
		if !ok {
			continue
		}
		out = append(out, policy.Finding{
			Location: policy.Location{Object: ref},
			Message:  fmt.Sprintf("%s is absent: %s", ref.Name, effect),
			Detail:   detail,
			Fix:      "restore the ConfigMap from Git (or the last applied version)",
		})
	}
	return out
}

// fallback says what the owner of a guarded ConfigMap does without it;
// ok is false for an object argoguard does not guard, or for one that held
// no data (its absence changes nothing).
func fallback(set *settings.Settings, ref policy.ObjectRef, held bool) (effect, detail string, ok bool) {
	at := func(ns, name string) bool {
		return ref.Kind == "ConfigMap" && ref.Namespace == ns && ref.Name == name
	}
	switch {
	case at(set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap):
		return "Argo CD falls back to its built-in policy: every SSO user loses every grant",
			"argocd-server reads no policy.csv and no policy.default when the ConfigMap is missing; servers " +
				"already running keep the deleted policy until they restart, so the loss shows up later", held
	case at(set.ArgoCD.Namespace, set.ArgoCD.ConfigMap):
		return "Argo CD cannot read its settings: SSO login stops",
			"Argo CD's settings manager fails when argocd-cm is missing: url, dex.config and the accounts are gone", true
	case at(set.Workflows.Namespace, set.Workflows.ConfigMap):
		return "Argo Workflows runs with an empty configuration: no SSO",
			"Argo Workflows reads a missing ConfigMap as an empty configuration; sso and everything else it held are gone", held
	}
	return "", "", false
}
