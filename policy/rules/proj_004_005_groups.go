package rules

// PROJ-004 and PROJ-005 restrict an AppProject role's groups to values the
// identity provider sends. argocd-server binds each entry of a role's groups
// with g, <group>, proj:<project>:<role> (AppProject.ProjectPoliciesString in
// pkg/apis/application/v1alpha1/app_project_types.go) and matches group
// claims exactly (util/rbac/rbac.go), as it does the subject of a g line
// written in the role's policies: a display name where IAM Identity
// Center sends group IDs, or a group nobody has, binds nobody.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

var rulePROJ004 = policy.Rule{
	ID: "PROJ-004", Title: "AppProject role group is a display name where the provider sends IDs",
	Severity: policy.SeverityHigh, Category: "appproject", Action: policy.ActionDeny,
	Doc: "AWS IAM Identity Center puts group IDs, not display names, in the groups claim. A role's groups " +
		"entry with the display name never matches, so nobody gets the role (the guide's mistake, made in " +
		"an AppProject). With a group list the finding names the ID to use; without one, an entry that " +
		"cannot be a GroupId is a warning." +
		" Source: Argo CD: pkg/apis/application/v1alpha1/app_project_types.go (ProjectPoliciesString), util/rbac/rbac.go (exact subject match).",
	Check: checkPROJGroupNames,
}

var rulePROJ005 = policy.Rule{
	ID: "PROJ-005", Title: "AppProject role group the identity provider does not know",
	Severity: policy.SeverityHigh, Category: "appproject", Action: policy.ActionDeny,
	Doc: "Runs when the settings list the known groups. A role's groups entry shaped like a group ID that no " +
		"known group has (or has in another case) never matches: the people meant to get the role are locked " +
		"out. Another unknown name may be a user id or an e-mail claim, so it is a warning. Fix the ID, or add " +
		"the group to the settings." +
		" Source: Argo CD: util/rbac/rbac.go (group claims matched as exact casbin subjects).",
	Check: checkPROJUnknownGroups,
}

func checkPROJGroupNames(s *policy.Snapshot) []policy.Finding {
	set := settingsOf(s)
	if !set.SendsGroupIDs() {
		return nil
	}
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		for _, ref := range p.groupRefs() {
			g := ref.value
			if rbacPlaceholder(g) != "" {
				continue // PROJ-006
			}
			if set.KnowsGroups() {
				if _, isID := set.GroupByID(g); isID {
					continue
				}
				if known, ok := set.GroupByName(g); ok {
					out = append(out, policy.Finding{
						Location: p.at(ref.path),
						Message:  fmt.Sprintf("%s is a display name; IAM Identity Center sends %s", quoteField(g), known.ID),
						Detail:   "the groups claim holds group IDs, so nobody gets role " + ref.role,
						Fix:      "write the group ID " + known.ID,
					})
				}
				continue
			}
			if isGroupIDShape(g) && g == strings.ToLower(g) || strings.Contains(g, "@") || isRoleName(g) {
				continue
			}
			out = append(out, policy.Finding{
				Action:   policy.ActionWarn, // a guess without the group list
				Location: p.at(ref.path),
				Message:  fmt.Sprintf("%s cannot be an IAM Identity Center group ID", quoteField(g)),
				Detail:   "the groups claim holds lower-case group IDs and matching is case-sensitive; this entry may match nobody",
				Fix:      "use the GroupId from `aws identitystore list-groups`, or list the groups in the settings",
			})
		}
	}
	return out
}

func checkPROJUnknownGroups(s *policy.Snapshot) []policy.Finding {
	set := settingsOf(s)
	if !set.KnowsGroups() {
		return nil
	}
	var out []policy.Finding
	for _, p := range loadProjects(s) {
		for _, ref := range p.groupRefs() {
			g := ref.value
			if rbacPlaceholder(g) != "" || strings.Contains(g, "@") || isRoleName(g) {
				continue // PROJ-006; an e-mail is a user
			}
			if _, ok := set.GroupByID(g); ok {
				continue
			}
			if _, ok := set.GroupByName(g); ok {
				continue // a display name: PROJ-004 when IDs are sent
			}
			f := policy.Finding{
				Location: p.at(ref.path),
				Message:  fmt.Sprintf("group %s is not one of the %d known groups", quoteField(g), len(set.Identity.Groups)),
				Detail:   "an entry nobody has binds nobody to role " + ref.role,
				Fix:      "use the group's ID from `aws identitystore list-groups`, or add the group to the settings",
			}
			for _, k := range set.Identity.Groups {
				if strings.EqualFold(k.ID, g) {
					f.Message = "group ID in the wrong case: the provider sends " + k.ID
					f.Fix = "write " + k.ID
				}
			}
			if !(set.SendsGroupIDs() && isGroupIDShape(g)) {
				f.Action = policy.ActionWarn // may be a user id
			}
			out = append(out, f)
		}
	}
	return out
}
