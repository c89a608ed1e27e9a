package rules

// ACD-008 checks that every `$name:key` / `$key` reference in dex.config
// and oidc.config resolves: Argo CD leaves an unresolved reference as the
// literal text (only a log warning), so Dex gets "$dex-saml:caData" as the
// CA or client secret and logins fail.

import (
	"fmt"
	"regexp"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

// envStyle is a `$NAME` that Dex expands from its own environment when Argo
// CD finds no such key; argoguard cannot see Dex's environment.
var envStyle = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

const partOfLabel = "app.kubernetes.io/part-of"

var ruleACD008 = policy.Rule{
	ID: "ACD-008", Title: "secret reference resolves to nothing", Severity: policy.SeverityHigh,
	Category: "argocd", Action: policy.ActionDeny, ClusterOnly: true,
	Doc: "Argo CD replaces `$<secret>:<key>` with a key of that Secret (which must be labelled " +
		"app.kubernetes.io/part-of: argocd) and `$<key>` with a key of argocd-secret. When the Secret, the label " +
		"or the key is missing, the literal text is passed to Dex and the login fails. Needs the Secrets (cluster, " +
		"or Secret files given to the CLI)." +
		" Source: Argo CD: util/settings/settings.go (ReplaceMapSecrets, ReplaceStringSecret).",
	Check: checkSecretRefs,
}

func checkSecretRefs(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || !s.SecretsKnown {
		return nil
	}
	type keyed struct {
		key string
		ref sso.SecretRef
	}
	var refs []keyed
	if in.cm.Dex != nil {
		for _, r := range in.cm.Dex.Refs {
			refs = append(refs, keyed{sso.KeyDexConfig, r})
		}
	}
	if oidc, err := sso.CollectRefs(in.cm.OIDCConfig); err == nil {
		for _, r := range oidc {
			refs = append(refs, keyed{sso.KeyOIDCConfig, r})
		}
	}
	ns := in.obj.Ref.Namespace
	var out []policy.Finding
	for _, kr := range refs {
		r := kr.ref
		if r.Short && envStyle.MatchString(r.Key) {
			continue
		}
		sec, state := s.LookupSecret(ns, r.Secret)
		if state == policy.SecretUnknown {
			continue // not readable: judged when it is
		}
		var why string
		switch {
		case sec == nil:
			why = fmt.Sprintf("Secret %s/%s does not exist", ns, r.Secret)
		case !r.Short && sec.Labels[partOfLabel] != "argocd":
			why = fmt.Sprintf("Secret %s/%s lacks the label %s: argocd, so Argo CD does not read it", ns, r.Secret, partOfLabel)
		default:
			if _, has := sec.Data[r.Key]; !has {
				why = fmt.Sprintf("Secret %s/%s has no key %q", ns, r.Secret, r.Key)
			}
		}
		if why == "" {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.at(kr.key, r.Line, r.Path),
			Message:  fmt.Sprintf("reference %s resolves to nothing: %s", r.Raw, why),
			Detail:   "Argo CD passes the literal text to Dex; the login fails",
			Fix:      fmt.Sprintf("create the key %q in Secret %s/%s (labelled %s: argocd) or fix the reference", r.Key, ns, r.Secret, partOfLabel),
		})
	}
	return out
}
