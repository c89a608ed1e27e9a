package rules

// WF-005 requires sso.clientId and sso.clientSecret to name a Secret key
// that exists where argo-server reads it: its own namespace. The guide's
// Secret lives in Argo CD's namespace, which argo-server never reads.
// Missing name/key is reported always; the Secret lookup only when the
// Secrets are known (cluster, or Secret files given to the CLI).

import (
	"fmt"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/sso"
)

var ruleWF005 = policy.Rule{
	ID: "WF-005", Title: "Workflows client Secret reference unusable", Severity: policy.SeverityHigh,
	Category: "workflows", Action: policy.ActionDeny,
	Doc: "argo-server reads clientId and clientSecret from a Secret in its own namespace (\"key ... missing in " +
		"secret\", or the Secret is not found) and refuses SSO otherwise. Give both name and key, and create the " +
		"Secret in the Workflows namespace (a copy of Argo CD's if both share it). The Secret lookup needs the " +
		"Secrets (cluster, or Secret files given to the CLI)." +
		" Source: Argo Workflows: server/auth/sso/sso.go (newSso).",
	Check: checkWFSecretRefs,
}

func checkWFSecretRefs(s *policy.Snapshot) []policy.Finding {
	in, ok := loadWorkflows(s)
	if !ok || !in.cfg.Present {
		return nil
	}
	var out []policy.Finding
	reported := map[string]bool{} // one finding per missing Secret
	for _, f := range []struct {
		field string
		ref   sso.SecretKeyRef
	}{{"clientId", in.cfg.ClientID}, {"clientSecret", in.cfg.ClientSecret}} {
		ref := f.ref
		if ref.Name.Value == "" || ref.Key.Value == "" {
			loc := in.atPath(ref.Line, in.cfg.Prefix+f.field)
			if !ref.Set {
				loc = in.atPath(0, in.cfg.Prefix+f.field)
			}
			out = append(out, policy.Finding{
				Location: loc,
				Message:  f.field + " must give both name and key of a Secret",
				Detail:   "argo-server refuses SSO (\"" + f.field + " empty\")",
				Fix:      f.field + ": {name: argo-workflows-sso, key: " + map[string]string{"clientId": "client-id", "clientSecret": "client-secret"}[f.field] + "}",
			})
			continue
		}
		ns := in.namespace()
		sec, state := s.LookupSecret(ns, ref.Name.Value)
		if state == policy.SecretUnknown {
			continue // Secrets not read, or this one not readable
		}
		if sec == nil {
			if reported[ref.Name.Value] {
				continue
			}
			reported[ref.Name.Value] = true
			keys := ref.Key.Value
			if f.field == "clientId" && in.cfg.ClientSecret.Name.Value == ref.Name.Value && in.cfg.ClientSecret.Key.Value != "" {
				keys += " and " + in.cfg.ClientSecret.Key.Value
			}
			msg := fmt.Sprintf("Secret %s is not in namespace %s, where argo-server reads it", ref.Name.Value, ns)
			if elsewhere := secretNamespaces(s, ref.Name.Value, ns); elsewhere != "" {
				msg = fmt.Sprintf("Secret %s is in namespace %s, not %s where argo-server reads it", ref.Name.Value, elsewhere, ns)
			}
			out = append(out, policy.Finding{
				Location: in.at(ref.Name),
				Message:  msg,
				Detail:   "argo-server cannot read the client credentials and SSO fails",
				Fix:      fmt.Sprintf("create Secret %s in namespace %s with %s (copy it, or use a Secret of its own)", ref.Name.Value, ns, keys),
			})
			continue
		}
		if _, has := sec.Data[ref.Key.Value]; !has {
			out = append(out, policy.Finding{
				Location: in.at(ref.Key),
				Message:  fmt.Sprintf("Secret %s/%s has no key %q", ns, ref.Name.Value, ref.Key.Value),
				Detail:   "argo-server refuses SSO (key missing in secret)",
				Fix:      fmt.Sprintf("add the key %q to Secret %s/%s or fix the key name", ref.Key.Value, ns, ref.Name.Value),
			})
		}
	}
	return out
}

// secretNamespaces lists other namespaces holding a Secret of that name.
func secretNamespaces(s *policy.Snapshot, name, except string) string {
	out := ""
	for _, o := range s.Secrets {
		if o != nil && o.Ref.Name == name && o.Ref.Namespace != except {
			if out != "" {
				out += ", "
			}
			out += o.Ref.Namespace
		}
	}
	return out
}
