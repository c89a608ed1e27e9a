package rules

// DEX-008 requires groupsAttr on the SAML connector when argocd-rbac-cm
// grants to groups: without it Dex puts no groups in the token and every
// group grant silently matches nobody.

import (
	"github.com/argoguard/argoguard/policy"
)

func init() {
	register(policy.Rule{
		ID: "DEX-008", Title: "no groupsAttr while policy.csv grants to groups", Severity: policy.SeverityHigh,
		Category: "dex", Action: policy.ActionDeny,
		Doc: "Dex's SAML connector reads groups only when groupsAttr is set (and the client asks for the groups " +
			"scope). Without it users log in with no groups, and every `g, <group>, role:...` line grants nothing. " +
			"Set groupsAttr to the SAML attribute carrying groups (groups, mapped from ${user:groups} in IAM Identity Center).",
		Check: checkGroupsAttr,
	})
}

func checkGroupsAttr(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok {
		return nil
	}
	rb, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	group := ""
	for _, l := range rb.gLines() {
		if rb.groupCandidate(l.Subject()) {
			group = l.Subject()
			break
		}
	}
	if group == "" {
		return nil
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		if c.SAML.GroupsAttr.Value != "" {
			continue
		}
		loc := in.at("dex.config", c.ConfigLine, c.Path+".config")
		out = append(out, policy.Finding{
			Location: loc,
			Message:  "SAML connector " + c.ID.Value + " has no groupsAttr, but argocd-rbac-cm grants to groups (" + group + ")",
			Detail:   "users log in with no groups, so no group grant ever matches",
			Fix:      "add groupsAttr: groups (the SAML attribute mapped from ${user:groups})",
		})
	}
	return out
}
