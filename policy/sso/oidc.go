package sso

import (
	yaml "go.yaml.in/yaml/v3"
)

// OIDC is argocd-cm's oidc.config as Argo CD reads it (util/settings
// settings.go: YAML converted to JSON and decoded leniently into its
// oidcConfig struct, so unknown keys are dropped and keys match
// case-insensitively).
type OIDC struct {
	// Fields are the top-level keys as written, in order.
	Fields []Field
	// Azure are the keys of the azure map.
	Azure []Field
	// Problem is set when the value is not a YAML map (Argo CD then logs
	// "invalid oidc config" and has no OIDC login).
	Problem *Problem
}

// OIDCKeys are the top-level keys of Argo CD's oidc.config.
var OIDCKeys = []string{
	"name", "issuer", "clientID", "clientSecret", "cliClientID", "enableUserInfoGroups", "userInfoBaseURL",
	"userInfoPath", "userInfoCacheExpiration", "requestedScopes", "requestedIDTokenClaims", "logoutURL", "rootCA",
	"enablePKCEAuthentication", "domainHint", "azure", "refreshTokenThreshold", "allowedAudiences",
	"skipAudienceCheckWhenTokenHasNoAudience",
}

// OIDCAzureKeys are the keys of oidc.config's azure map.
var OIDCAzureKeys = []string{
	"useWorkloadIdentity", "enableUserGroupOverageClaim", "graphApiEndpoint", "userGroupOverageClaimCacheExpiration",
}

// Get returns the top-level field whose key matches name (exact match
// first, then case-insensitively, as encoding/json matches).
func (o *OIDC) Get(name string) Str {
	var folded *Field
	for i := range o.Fields {
		f := &o.Fields[i]
		if f.Key == name {
			return f.Value
		}
		if folded == nil && fold(f.Key, []string{name}) != "" {
			folded = f
		}
	}
	if folded != nil {
		return folded.Value
	}
	return Str{Path: name}
}

// ParseOIDC reads an oidc.config value. A nil *OIDC with an error means
// the value is not YAML at all or exceeds the limits.
func ParseOIDC(text string) (*OIDC, error) {
	root, err := parseValue(text)
	if err != nil {
		return nil, err
	}
	o := &OIDC{}
	if root == nil {
		return o, nil
	}
	w := newWalker()
	root = w.resolve(root)
	if root == nil {
		return nil, w.err
	}
	if root.Kind != yaml.MappingNode {
		o.Problem = &Problem{Line: root.Line, Msg: "oidc.config is " + kindName(root) + ", not a map"}
		return o, nil
	}
	for _, p := range w.pairs(root) {
		o.Fields = append(o.Fields, Field{Key: p.Key, KeyLine: p.KeyN.Line, Value: str(p.Key, p.KeyN, p.Value)})
		if fold(p.Key, []string{"azure"}) != "" && p.Value.Kind == yaml.MappingNode {
			for _, ap := range w.pairs(p.Value) {
				o.Azure = append(o.Azure, Field{Key: ap.Key, KeyLine: ap.KeyN.Line, Value: str(join(p.Key, ap.Key), ap.KeyN, ap.Value)})
			}
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	return o, nil
}
