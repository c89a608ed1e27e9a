package report

// "What this change grants and revokes": the semantic RBAC diff between the
// baseline argocd-rbac-cm and the one being reported on.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

// RBACChanges is the semantic difference of the policy against the baseline.
type RBACChanges struct {
	// Error says why there is no diff (a baseline Argo CD would refuse).
	Error            string `json:"error,omitempty"`
	OldDefault       string `json:"oldDefault"`
	NewDefault       string `json:"newDefault"`
	MatchModeChanged bool   `json:"matchModeChanged,omitempty"`
	// Grants are permissions gained (an allow added or a deny removed);
	// Revokes the permissions lost. Each sorted by subject, then permission.
	Grants  []PermissionChange `json:"grants"`
	Revokes []PermissionChange `json:"revokes"`
}

// PermissionChange is one subject gaining or losing one permission.
type PermissionChange struct {
	Subject string `json:"subject"`
	// Display is the subject with its group display name; "every user"
	// for policy.default.
	Display  string `json:"display"`
	Effect   string `json:"effect"`
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Object   string `json:"object"`
	// Line is the responsible line: in the new policy for an added line,
	// in the baseline for a removed one (Baseline says which).
	Line     *LineRef `json:"line,omitempty"`
	Baseline bool     `json:"baseline,omitempty"`
	// Via is the chain of g lines from the subject to Line's subject, in
	// the same policy as Line.
	Via []LineRef `json:"via,omitempty"`
}

// BuildChanges diffs old (the baseline) against new with rbac.Diff.
func BuildChanges(old, new *rbac.Enforcer, oldObj, newObj *policy.Object, set *settings.Settings) *RBACChanges {
	if set == nil {
		set = settings.Default()
	}
	d := rbac.Diff(old, new)
	out := &RBACChanges{
		OldDefault: d.OldDefault, NewDefault: d.NewDefault, MatchModeChanged: d.MatchModeChanged,
		Grants: []PermissionChange{}, Revokes: []PermissionChange{},
	}
	oldRef, newRef := lineRefFunc(oldObj), lineRefFunc(newObj)
	for _, c := range d.Changes {
		pc := PermissionChange{
			Subject: c.Subject, Display: set.DisplayName(c.Subject),
			Effect: c.Perm.Effect, Action: c.Perm.Action, Resource: c.Perm.Resource, Object: c.Perm.Object,
		}
		if c.Subject == rbac.EveryoneSubject {
			pc.Display = "every user (policy.default)"
		}
		// The line exists in the new policy when it was added: a gained
		// allow or a lost deny; otherwise it was removed from the baseline.
		added := c.Gained == (c.Perm.Effect == "allow")
		if c.Line != nil {
			e, ref := new, newRef
			if !added {
				e, ref = old, oldRef
			}
			l := ref(c.Line)
			pc.Line, pc.Baseline = &l, !added
			from := c.Subject
			if from == rbac.EveryoneSubject {
				from = e.DefaultRole()
			}
			pc.Via = refs(ref, e.Path(from, c.Line.Subject()))
		}
		if c.Gained {
			out.Grants = append(out.Grants, pc)
		} else {
			out.Revokes = append(out.Revokes, pc)
		}
	}
	return out
}

// ChangeGroup is the changes of one subject, for readers.
type ChangeGroup struct {
	Subject string
	Display string
	Changes []PermissionChange
}

// BySubject groups changes (sorted by subject) per subject, in order.
func BySubject(changes []PermissionChange) []ChangeGroup {
	var out []ChangeGroup
	for _, c := range changes {
		if n := len(out); n > 0 && out[n-1].Subject == c.Subject {
			out[n-1].Changes = append(out[n-1].Changes, c)
			continue
		}
		out = append(out, ChangeGroup{Subject: c.Subject, Display: c.Display, Changes: []PermissionChange{c}})
	}
	return out
}
