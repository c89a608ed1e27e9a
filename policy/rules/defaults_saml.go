package rules

// Defaults for the SAML connector in argocd-cm dex.config: the addresses
// Argo CD uses anyway (redirectURI, and entityIssuer, which Dex otherwise
// takes from redirectURI), and for AWS IAM Identity Center the attribute
// names its SAML application sends. A field the user wrote is never
// touched.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
	"github.com/argoguard/argoguard/settings"
)

var samlDefaulter = policy.Defaulter{ID: "saml-connector", Default: defaultSAML}

func defaultSAML(s *policy.Snapshot, obj *policy.Object) []policy.Patch {
	set := settingsOf(s)
	if !isArgoCDCM(set, obj) {
		return nil
	}
	argoURL := obj.Data[sso.KeyURL]
	d := s.Dex() // the snapshot's parse when obj is its argocd-cm
	if obj != s.ArgoCDCM {
		var err error
		if d, err = sso.ParseDex(obj.Data[sso.KeyDexConfig]); err != nil {
			return nil
		}
	}
	if d == nil || len(d.Problems) > 0 {
		return nil
	}
	var edits []mapDefaults
	for _, c := range d.Connectors {
		if c.SAML == nil || !c.ConfigSet {
			continue
		}
		sc := c.SAML
		var defs []fieldDefault
		fill := func(cur sso.Str, key, value, why string) {
			if cur.Set || value == "" {
				return
			}
			defs = append(defs, fieldDefault{
				add:    sso.Addition{Key: key, Value: value},
				field:  c.Path + ".config." + key,
				reason: "dex.config " + c.Path + ".config." + key + " set to " + value + ": " + why,
			})
		}
		if argoURL != "" {
			cb := sso.DexCallbackURL(argoURL)
			fill(sc.RedirectURI, "redirectURI", cb, "Argo CD uses this ACS URL anyway; the IdP's ACS URL must be it")
			fill(sc.EntityIssuer, "entityIssuer", cb, "the SAML audience Dex already expects; the IdP's SAML audience must be it")
		}
		if set.Identity.Provider == settings.ProviderAWS {
			fill(sc.UsernameAttr, "usernameAttr", "email", "the attribute IAM Identity Center maps from ${user:email}")
			fill(sc.EmailAttr, "emailAttr", "email", "the attribute IAM Identity Center maps from ${user:email}")
			fill(sc.GroupsAttr, "groupsAttr", "groups", "the attribute IAM Identity Center maps from ${user:groups}")
			fill(sc.NameIDPolicyFormat, "nameIDPolicyFormat", "persistent", "Dex's default, written out")
		}
		if len(defs) > 0 {
			edits = append(edits, mapDefaults{path: []any{"connectors", c.Index, "config"}, defs: defs})
		}
	}
	if len(edits) == 0 {
		return nil
	}
	return yamlPatches(obj, sso.KeyDexConfig, edits)
}
