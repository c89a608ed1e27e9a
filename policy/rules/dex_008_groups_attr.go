package rules

// DEX-008 requires groupsAttr on the SAML connector when argocd-rbac-cm
// grants to groups: without it Dex puts no groups in the token and every
// group grant silently matches nobody. Certain only when no other
// connector delivers groups and the subject is known to be a group.

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

var ruleDEX008 = policy.Rule{
	ID: "DEX-008", Title: "no groupsAttr while policy.csv grants to groups", Severity: policy.SeverityHigh,
	Category: "dex", Action: policy.ActionDeny,
	Doc: "Dex's SAML connector (connector/saml/saml.go, HandlePOST) reads groups only when groupsAttr is set " +
		"(and the client asks for the groups scope). Without it users of that connector log in with no groups, " +
		"and every `g, <group>, role:...` line is dead for them. Denied when no connector of dex.config can " +
		"deliver groups and the subject is certainly a group (a group of the settings, or an Identity Center " +
		"GroupId); a warning when another connector may deliver the groups or the subject may be a user id. " +
		"Silent when oidc.config is set (Argo CD then does not log in through Dex). Set groupsAttr to the SAML " +
		"attribute carrying groups (groups, mapped from ${user:groups} in IAM Identity Center).",
	Check: checkGroupsAttr,
}

func checkGroupsAttr(s *policy.Snapshot) []policy.Finding {
	in, ok := loadArgoCD(s)
	if !ok || strings.TrimSpace(in.cm.OIDCConfig) != "" || in.cm.Dex == nil {
		return nil
	}
	rb, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	group, sure := "", false
	for _, l := range rb.gLines() {
		sub := l.Subject()
		if !rb.groupCandidate(sub) {
			continue
		}
		certain := rb.looksLikeGroup(sub)
		if group == "" || (certain && !sure) {
			group, sure = sub, certain
		}
		if sure {
			break
		}
	}
	if group == "" {
		return nil
	}
	// Another connector (or a SAML connector with groupsAttr) may deliver
	// the groups: then a connector without groupsAttr may be deliberate.
	othersDeliver := false
	for _, c := range in.cm.Dex.Connectors {
		if c.SAML == nil || c.SAML.GroupsAttr.Value != "" {
			othersDeliver = true
		}
	}
	action := policy.Action("") // the rule's deny
	if othersDeliver || !sure {
		action = policy.ActionWarn
	}
	fix := "add groupsAttr: the name of the SAML attribute your IdP puts groups in"
	if in.set.Identity.Provider == settings.ProviderAWS {
		fix = "add groupsAttr: groups (the SAML attribute mapped from ${user:groups})"
	}
	var out []policy.Finding
	for _, c := range in.saml() {
		if c.SAML.GroupsAttr.Value != "" {
			continue
		}
		detail := "users of this connector log in with no groups, so no group grant ever matches for them"
		if othersDeliver {
			detail += "; other connectors may still deliver groups"
		}
		out = append(out, policy.Finding{
			Action:   action,
			Location: in.at("dex.config", c.ConfigLine, c.Path+".config"),
			Message:  "SAML connector " + c.ID.Value + " has no groupsAttr, but argocd-rbac-cm grants to groups (" + rb.shortName(group) + ")",
			Detail:   detail,
			Fix:      fix,
		})
	}
	return out
}
