package rules

// Defaults for the Workflows sso config: the issuer of Argo CD's Dex, the
// redirectUrl of the settings' Workflows URL, the scopes SSO RBAC needs,
// and Argo Workflows' own session length written out. Nothing is added to
// a config Argo Workflows would refuse, and a field the user wrote is
// never touched.

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var workflowsDefaulter = policy.Defaulter{ID: "workflows-sso", Default: defaultWorkflows}

func defaultWorkflows(s *policy.Snapshot, obj *policy.Object) []policy.Patch {
	set := settingsOf(s)
	if !isWorkflowsCM(set, obj) {
		return nil
	}
	w := s.Workflows() // the snapshot's parse when obj is its ConfigMap
	if obj != s.WorkflowsCM {
		w = sso.ParseWorkflows(obj.Data)
	}
	if !w.Present || len(w.Problems) > 0 {
		return nil
	}
	var path []any
	if w.Key == "config" {
		path = []any{"sso"}
	}
	var defs []fieldDefault
	add := func(cur bool, a sso.Addition, why string) {
		if cur {
			return
		}
		shown := a.Value
		if a.List != nil {
			shown = "[" + strings.Join(a.List, ", ") + "]"
		}
		defs = append(defs, fieldDefault{add: a, field: w.Prefix + a.Key,
			reason: w.Key + " " + w.Prefix + a.Key + " set to " + shown + ": " + why})
	}
	redirect := w.RedirectURL.Value
	if u := set.Workflows.URL; u != "" && !w.RedirectURL.Set {
		redirect = strings.TrimRight(u, "/") + "/oauth2/callback"
	}
	// The issuer of Argo CD's Dex is the right default only when that Dex
	// already serves Workflows: a static client registers the callback.
	if u := argoCDURL(s); u != "" && redirect != "" && dexServes(s, redirect) {
		add(w.Issuer.Set, sso.Addition{Key: "issuer", Value: sso.IssuerURL(u)}, "the issuer of Argo CD's Dex")
	}
	if set.Workflows.URL != "" {
		add(w.RedirectURL.Set, sso.Addition{Key: "redirectUrl", Value: redirect},
			"the Workflows server's callback (settings workflows.url)")
	}
	if w.RBAC() {
		add(w.ScopesSet, sso.Addition{Key: "scopes", List: []string{"groups", "email"}},
			"SSO RBAC needs the groups claim, which Dex sends only for the groups scope")
	}
	add(w.SessionExpiry.Set, sso.Addition{Key: "sessionExpiry", Value: "10h"}, "Argo Workflows' default, written out")
	if len(defs) == 0 {
		return nil
	}
	return yamlPatches(obj, w.Key, []mapDefaults{{path: path, defs: defs}})
}

// dexServes reports whether Argo CD's dex.config has a static client with
// redirect among its redirectURIs.
func dexServes(s *policy.Snapshot, redirect string) bool {
	d := argoDex(s)
	if d == nil {
		return false
	}
	for i := range d.StaticClients {
		if d.StaticClients[i].HasRedirect(redirect) {
			return true
		}
	}
	return false
}
