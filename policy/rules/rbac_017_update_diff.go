package rules

// RBAC-017 reports, on an UPDATE of argocd-rbac-cm, who gains which
// permission: a semantic diff of the old and new policy, so reviewers see
// the effect of a change rather than its text.

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC017 = policy.Rule{
	ID: "RBAC-017", Title: "Change grants new permissions",
	Severity: policy.SeverityMedium, Category: "rbac", Action: policy.ActionWarn,
	Doc: "On an update of argocd-rbac-cm argoguard compares what every user, group and the default role " +
		"hold before and after (roles expanded, reordering and moves between keys ignored) and lists who gains " +
		"what, so that an approval is an approval of the effect. A new allow or a removed deny is a gain; a " +
		"switch between glob and regex matching is reported as well.",
	Check: checkRBACUpdateDiff,
}

func checkRBACUpdateDiff(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	// A policy Argo CD refuses grants nothing: no diff of a partial one.
	if !ok || in.partial || s.Old == nil || s.Operation != "UPDATE" ||
		(s.Changed != nil && *s.Changed != in.obj.Ref) || samePolicyData(s.Old.Data, in.obj.Data) {
		return nil
	}
	prev := s.OldRBAC()
	old := prev.Enforcer
	if prev.Partial {
		old = builtinOnly() // the old policy did not load: Argo CD had only the built-ins
	}
	diff := rbac.Diff(old, in.enf)
	bySubject, subjects := changesBySubject(diff.Gains())
	var out []policy.Finding
	if diff.MatchModeChanged {
		out = append(out, policy.Finding{
			Location: in.atKey(rbac.KeyMatchMode),
			Message:  "match mode changes between glob and regex: every pattern changes meaning",
			Fix:      "review every line under the new match mode",
		})
	}
	for _, sub := range subjects {
		cs := bySubject[sub]
		var perms []string
		for _, c := range cs {
			perms = append(perms, c.What())
		}
		loc := in.at(rbac.KeyPolicyCSV, 0)
		if l := cs[0].Line; l != nil && !l.Builtin() && cs[0].Perm.Effect == "allow" {
			loc = in.atLine(l)
		}
		name := rbac.SubjectName(in.shortName(sub))
		msg := fmt.Sprintf("%s %s", name, perms[0])
		if len(perms) > 1 {
			msg += fmt.Sprintf(" and %d more", len(perms)-1)
		}
		// A new role explains the gains better than its first permission.
		if rc, ok := gainedRole(diff.Roles, sub); ok {
			msg = fmt.Sprintf("%s gains role %s (%d new permissions)", name, rc.Role, len(perms))
			if rc.Line != nil {
				loc = in.atLine(rc.Line)
			}
		}
		out = append(out, policy.Finding{
			Location: loc,
			Message:  msg,
			Detail:   strings.Join(perms, "; "),
			Fix:      "make sure the change is meant to grant this",
		})
	}
	return out
}

// changesBySubject groups changes by subject, subjects sorted.
func changesBySubject(changes []rbac.Change) (map[string][]rbac.Change, []string) {
	bySubject := map[string][]rbac.Change{}
	for _, c := range changes {
		bySubject[c.Subject] = append(bySubject[c.Subject], c)
	}
	subjects := make([]string, 0, len(bySubject))
	for sub := range bySubject {
		subjects = append(subjects, sub)
	}
	sort.Strings(subjects)
	return bySubject, subjects
}

// gainedRole returns the first role sub gains, preferring role:admin.
func gainedRole(rcs []rbac.RoleChange, sub string) (rbac.RoleChange, bool) {
	var found *rbac.RoleChange
	for i, rc := range rcs {
		if rc.Subject != sub || !rc.Gained {
			continue
		}
		if found == nil || rc.Role == rbac.RoleAdmin {
			found = &rcs[i]
		}
	}
	if found == nil {
		return rbac.RoleChange{}, false
	}
	return *found, true
}

// builtinOnly is the enforcer of an empty policy: Argo CD's built-in roles.
var builtinOnly = sync.OnceValue(func() *rbac.Enforcer {
	e, err := rbac.NewEnforcerWith(&rbac.Policy{}, "", true)
	if err != nil {
		panic(err) // the built-in policy is parsed at init; it cannot fail here
	}
	return e
})
