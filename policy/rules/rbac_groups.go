package rules

// RBAC-003, RBAC-004 and RBAC-019 restrict the groups named in
// argocd-rbac-cm to values the identity provider really sends and the
// server really evaluates: unknown groups, display names where IAM Identity
// Center sends IDs, and p lines for groups that no g line names.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

var ruleRBAC003 = policy.Rule{
	ID: "RBAC-003", Title: "g line names a group the identity provider does not know",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "Group subjects match the groups claim exactly (case-sensitive). A g line for a group the identity " +
		"provider does not have never matches anybody, so the people meant to get the role are locked out. " +
		"Runs only when the settings list the known groups (identity.groups or identity.groupsFile). Fix the " +
		"group id, or add the group to the settings if it is new." +
		" Source: Argo CD: util/rbac/rbac.go (group claims matched as exact casbin subjects).",
	Check: checkRBACUnknownGroup,
}

var ruleRBAC004 = policy.Rule{
	ID: "RBAC-004", Title: "g line uses a group display name where the provider sends IDs",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "AWS IAM Identity Center puts group IDs (GroupId, e.g. 94e8e4a8-3011-70a4-3f1c-5e6d2b7c9a01), not " +
		"display names, in the SAML groups attribute. A g line with the display name never matches, so nobody " +
		"gets the role. With a group list the finding names the ID to use; without one, a subject that cannot " +
		"be a GroupId (or is upper case; matching is case-sensitive) is reported as a warning." +
		" Source: Argo CD: util/rbac/rbac.go (exact subject match); the IdP: Identity Center's ${user:groups} attribute.",
	Check: checkRBACGroupNames,
}

var ruleRBAC019 = policy.Rule{
	ID: "RBAC-019", Title: "p lines for a group that no g line names",
	Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
	Doc: "Argo CD's server evaluates a group from the token only if the group is the first field of some g " +
		"line (server/rbacpolicy/rbacpolicy.go filters the token's groups by the g lines). p lines written " +
		"directly for a group with no g line are never used by the server, although " +
		"`argocd admin settings rbac can` answers yes for them. A subject counts as a group when the settings " +
		"know it, when it is a GroupId and the provider sends IDs, or, without any settings, when it is shaped " +
		"org:team as Dex's GitHub connector names teams. Put the permissions on a role and add " +
		"g, <group>, <role>.",
	Check: checkRBACUnboundGroup,
}

func checkRBACUnknownGroup(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || !in.set.KnowsGroups() {
		return nil
	}
	var out []policy.Finding
	for _, l := range in.gLines() {
		sub := l.Subject()
		if rbacPlaceholder(sub) != "" {
			continue // RBAC-015: a placeholder, not a wrong group
		}
		if _, ok := in.set.GroupByID(sub); ok {
			continue
		}
		if _, ok := in.set.GroupByName(sub); ok {
			continue // a display name: RBAC-004 when IDs are sent, fine otherwise
		}
		if !in.groupCandidate(sub) {
			continue
		}
		// A name that is not shaped like a group ID may be a local account:
		// judge it only when argocd-cm (accounts.<name>) could be read.
		if !(in.set.SendsGroupIDs() && isGroupIDShape(sub)) && !in.accountsKnown {
			continue
		}
		if g, ok := groupFold(&in, sub); ok {
			out = append(out, policy.Finding{
				Location: in.atLine(l),
				Message:  fmt.Sprintf("group ID in the wrong case: the provider sends %s", g.ID),
				Detail:   fmt.Sprintf("group claims match case-sensitively, so %s never matches %s", quoteField(sub), in.set.DisplayName(g.ID)),
				Fix:      fmt.Sprintf("write g, %s, %s", g.ID, l.Role()),
			})
			continue
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("group %s is not one of the identity provider's %d known groups", quoteField(sub), len(in.set.Identity.Groups)),
			Detail:   "a g line for a group nobody has grants " + l.Role() + " to nobody; the intended users are locked out",
			Fix:      "use the group's ID from `aws identitystore list-groups`, or add the group to the settings",
		})
	}
	return out
}

func checkRBACGroupNames(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || !in.set.SendsGroupIDs() {
		return nil
	}
	var out []policy.Finding
	for _, l := range in.gLines() {
		sub := l.Subject()
		if rbacPlaceholder(sub) != "" {
			continue // RBAC-015
		}
		if in.set.KnowsGroups() {
			if _, isID := in.set.GroupByID(sub); isID {
				continue
			}
			if g, ok := in.set.GroupByName(sub); ok {
				out = append(out, policy.Finding{
					Location: in.atLine(l),
					Message:  fmt.Sprintf("%s is a display name; IAM Identity Center sends %s", quoteField(sub), g.ID),
					Detail:   "the groups claim holds group IDs, so this g line never matches and nobody gets " + l.Role(),
					Fix:      fmt.Sprintf("write g, %s, %s", g.ID, l.Role()),
				})
			}
			continue
		}
		if !in.groupCandidate(sub) || isGroupIDShape(sub) && sub == strings.ToLower(sub) {
			continue
		}
		msg := fmt.Sprintf("%s cannot be an IAM Identity Center group ID", quoteField(sub))
		if isGroupIDShape(sub) {
			msg = fmt.Sprintf("group ID %s is upper case; the provider sends lower case", quoteField(sub))
		}
		out = append(out, policy.Finding{
			Action:   policy.ActionWarn, // a guess without the group list
			Location: in.atLine(l),
			Message:  msg,
			Detail:   "the groups claim holds lower-case group IDs and matching is case-sensitive; this line may match nobody",
			Fix:      "use the GroupId from `aws identitystore list-groups`, or list the groups in the settings",
		})
	}
	return out
}

func checkRBACUnboundGroup(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil {
		return nil
	}
	var out []policy.Finding
	reported := map[string]bool{}
	for _, l := range in.pLines() {
		sub := l.Subject()
		if reported[sub] || in.enf.IsGroupSubject(sub) || in.enf.IsRole(sub) || !in.looksLikeGroup(sub) {
			continue
		}
		reported[sub] = true
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("group %s has p lines but no g line: the server ignores them", quoteField(sub)),
			Detail:   "Argo CD only considers a group from the token when it is the first field of some g line; `rbac can` still says yes",
			Fix:      fmt.Sprintf("move the permissions to a role and add g, %s, <role>", sub),
		})
	}
	return out
}

// orgTeamPattern is a group as Dex's GitHub and Gitea connectors name
// teams (my-org:team-alpha); no user id, e-mail or local account has
// that shape, and role: and proj: names are roles.
var orgTeamPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*:[A-Za-z0-9][A-Za-z0-9_. -]*$`)

// looksLikeGroup: a known group, a GroupId when the provider sends IDs, or
// an org:team name (a guess that needs no settings).
func (in *rbacInput) looksLikeGroup(sub string) bool {
	if _, ok := in.set.GroupByID(sub); ok {
		return true
	}
	if _, ok := in.set.GroupByName(sub); ok {
		return true
	}
	if isRoleName(sub) || in.isLocalAccount(sub) {
		return false
	}
	return (in.set.SendsGroupIDs() && isGroupIDShape(sub)) || orgTeamPattern.MatchString(sub)
}

// groupFold finds a known group whose ID equals sub ignoring case.
func groupFold(in *rbacInput, sub string) (settings.Group, bool) {
	for _, g := range in.set.Identity.Groups {
		if strings.EqualFold(g.ID, sub) {
			return g, true
		}
	}
	return settings.Group{}, false
}
