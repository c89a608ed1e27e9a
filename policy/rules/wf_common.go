package rules

// Shared by the Workflows rules (wf_*.go): the sso config of
// workflow-controller-configmap as the snapshot parsed it, and the links to
// Argo CD's Dex that the cross-object rules need.

import (
	"net/url"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

type wfInput struct {
	obj *policy.Object
	cfg *sso.Workflows
	set *settings.Settings
}

// loadWorkflows returns the snapshot's Workflows sso config, or false when
// the ConfigMap is absent or has no sso.
func loadWorkflows(s *policy.Snapshot) (wfInput, bool) {
	cfg := s.Workflows()
	if cfg == nil || (!cfg.Present && len(cfg.Problems) == 0) {
		return wfInput{}, false
	}
	return wfInput{obj: s.WorkflowsCM, cfg: cfg, set: settingsOf(s)}, true
}

// at locates a finding at a value of the sso config.
func (in *wfInput) at(v sso.Str) policy.Location {
	line := v.Line
	if line == 0 {
		line = v.KeyLine
	}
	return in.atPath(line, v.Path)
}

func (in *wfInput) atPath(line int, path string) policy.Location {
	key := in.cfg.Key
	if key == "" {
		key = "sso"
	}
	return locate(in.obj, key, line, path)
}

// namespace is where Argo Workflows reads the Secrets sso refers to: its
// own namespace.
func (in *wfInput) namespace() string { return in.obj.Ref.Namespace }

// usesArgoCDDex reports whether issuer (or issuerAlias, the issuer that
// discovery must announce when the server reaches Dex at another address)
// points at Argo CD's Dex: on Argo CD's host with a path under /api/dex.
func (in *wfInput) usesArgoCDDex(s *policy.Snapshot) bool {
	acd := argoCDURL(s)
	if acd == "" {
		return false
	}
	for _, issuer := range []string{in.cfg.Issuer.Value, in.cfg.IssuerAlias.Value} {
		u, err := url.Parse(issuer)
		if issuer != "" && err == nil && hostOf(issuer) == hostOf(acd) && strings.Contains(u.Path, "/api/dex") {
			return true
		}
	}
	return false
}

// argoDex returns Argo CD's parsed dex.config, or nil.
func argoDex(s *policy.Snapshot) *sso.Dex {
	in, ok := loadArgoCD(s)
	if !ok || in.cm.Dex == nil || len(in.cm.Dex.Problems) > 0 {
		return nil
	}
	return in.cm.Dex
}

// clientIDValue reads the Workflows client id from its Secret; known is
// false unless that Secret was read and has the key. The value is
// compared, never shown.
func (in *wfInput) clientIDValue(s *policy.Snapshot) (string, bool) {
	ref := in.cfg.ClientID
	if ref.Name.Value == "" || ref.Key.Value == "" {
		return "", false
	}
	sec, _ := s.LookupSecret(in.namespace(), ref.Name.Value)
	if sec == nil {
		return "", false
	}
	v, ok := sec.Data[ref.Key.Value]
	return strings.TrimSpace(v), ok
}

// workflowsCallback is the redirectUrl the settings' Workflows URL implies.
func (in *wfInput) workflowsCallback() string {
	if in.set.Workflows.URL == "" {
		return ""
	}
	return strings.TrimRight(in.set.Workflows.URL, "/") + "/oauth2/callback"
}
