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

func init() {
	registerDefaulter(policy.Defaulter{ID: "saml-connector", Default: defaultSAML})
}

func defaultSAML(s *policy.Snapshot, obj *policy.Object) []policy.Patch {
	set := settingsOf(s)
	if !isArgoCDCM(set, obj) {
		return nil
	}
	argoURL := obj.Data[sso.KeyURL]
	d, err := sso.ParseDex(obj.Data[sso.KeyDexConfig])
	if err != nil || d == nil || len(d.Problems) > 0 {
		return nil
	}
	var out []policy.Patch
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
		out = append(out, yamlPatches(withData(obj, out), sso.KeyDexConfig, []any{"connectors", c.Index, "config"}, defs)...)
	}
	return out
}

// withData returns obj as it is after the patches (a shallow copy with
// its own data map), so several patches of one key build on each other.
func withData(obj *policy.Object, patches []policy.Patch) *policy.Object {
	if len(patches) == 0 {
		return obj
	}
	cp := *obj
	cp.Data = make(map[string]string, len(obj.Data))
	for k, v := range obj.Data {
		cp.Data[k] = v
	}
	for _, p := range patches {
		cp.Data[p.Key] = p.Value
	}
	return &cp
}
