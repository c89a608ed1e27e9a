package rules

// Shared by the SSO rules (acd_*.go, dex_*.go, wf_*.go): argocd-cm as the
// snapshot parsed it, and locations that point at
// the key, the YAML path and the line (with the file line in the CLI).

import (
	"net/url"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

// acdInput is argocd-cm as the ACD and DEX rules see it.
type acdInput struct {
	obj *policy.Object
	cm  *sso.ArgoCD
	set *settings.Settings
}

// loadArgoCD returns the snapshot's argocd-cm, parsed, or false without one.
func loadArgoCD(s *policy.Snapshot) (acdInput, bool) {
	cm := s.ArgoCD()
	if cm == nil {
		return acdInput{}, false
	}
	return acdInput{obj: s.ArgoCDCM, cm: cm, set: settingsOf(s)}, true
}

// saml returns the SAML connectors of dex.config.
func (in *acdInput) saml() []*sso.Connector {
	if in.cm.Dex == nil {
		return nil
	}
	var out []*sso.Connector
	for i := range in.cm.Dex.Connectors {
		if in.cm.Dex.Connectors[i].SAML != nil {
			out = append(out, &in.cm.Dex.Connectors[i])
		}
	}
	return out
}

// at locates a finding in a key of argocd-cm.
func (in *acdInput) at(key string, line int, path string) policy.Location {
	return locate(in.obj, key, line, path)
}

// atDex locates a finding at a value of dex.config.
func (in *acdInput) atDex(v sso.Str) policy.Location {
	line := v.Line
	if line == 0 {
		line = v.KeyLine
	}
	return locate(in.obj, sso.KeyDexConfig, line, v.Path)
}

func settingsOf(s *policy.Snapshot) *settings.Settings {
	if s.Settings == nil {
		return settings.Default()
	}
	return s.Settings
}

// locate builds a Location on obj's key, with the file line when the CLI
// read the object from a file.
func locate(obj *policy.Object, key string, line int, path string) policy.Location {
	loc := policy.Location{Object: obj.Ref, Key: key, Line: line, Path: path}
	if src := obj.Source; src != nil {
		loc.File = src.File
		if start, ok := src.KeyLines[key]; ok && start > 0 {
			if line < 1 {
				line = 1
			}
			loc.FileLine = start + line - 1
		} else {
			loc.FileLine = src.Line // the key is missing: point at the object
		}
	}
	return loc
}

// hostOf returns the host of an absolute URL ("" when it has none).
func hostOf(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Host)
}

// argoCDURL is Argo CD's url as argocd-cm says, or the settings' expected
// URL when argocd-cm is not in the snapshot.
func argoCDURL(s *policy.Snapshot) string {
	if s.ArgoCDCM != nil {
		if u := s.ArgoCDCM.Data[sso.KeyURL]; u != "" {
			return u
		}
	}
	return settingsOf(s).ArgoCD.URL
}
