package rules

// Shared by the RBAC rules (rbac_*.go): argocd-rbac-cm parsed once per
// object, locations that point at the line, and the identity helpers that
// say whether a subject is a group, a user or a role.

import (
	"regexp"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

// rbacInput is argocd-rbac-cm as the RBAC rules see it: the snapshot's
// parse (shared, read-only) with the object, the settings and argocd-cm.
type rbacInput struct {
	obj *policy.Object
	cfg *policy.RBACConfig
	pol *rbac.Policy
	// enf decides requests; partial when Argo CD would refuse the policy
	// (see policy.RBACConfig).
	enf     *rbac.Enforcer
	partial bool
	set     *settings.Settings
	// argocdCM is the snapshot's argocd-cm, for its local accounts
	// (isLocalAccount); accountsKnown says whether it was available.
	argocdCM      *policy.Object
	accountsKnown bool
	// p and g are the user's p and g lines.
	p, g []*rbac.Line
}

// defaultRolePerms returns the default role's permissions (computed once
// per parse).
func (in *rbacInput) defaultRolePerms() []rbac.Permission { return in.cfg.DefaultPermissions() }

// loadRBAC returns the snapshot's argocd-rbac-cm, parsed, or false when the
// snapshot has none.
func loadRBAC(s *policy.Snapshot) (rbacInput, bool) {
	c := s.RBAC()
	if c == nil {
		return rbacInput{}, false
	}
	return rbacInput{
		obj: s.RBACCM, cfg: c, pol: c.Policy, enf: c.Enforcer, partial: c.Partial, p: c.P, g: c.G,
		set: settingsOf(s), argocdCM: s.ArgoCDCM, accountsKnown: s.ArgoCDCM != nil,
	}, true
}

// samePolicyData reports whether two argocd-rbac-cm data maps hold the same
// policy: the keys the enforcer is built from (policy.csv, policy.*.csv,
// policy.default, policy.matchMode) are present in both or neither, with
// equal values. Then nobody's permissions changed (RBAC-017 skips the diff).
func samePolicyData(a, b map[string]string) bool {
	n := 0
	for k, v := range a {
		if !policyDataKey(k) {
			continue
		}
		n++
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	for k := range b {
		if policyDataKey(k) {
			n--
		}
	}
	return n == 0
}

func policyDataKey(k string) bool {
	return k == rbac.KeyDefault || k == rbac.KeyMatchMode ||
		(strings.HasPrefix(k, "policy.") && strings.HasSuffix(k, ".csv"))
}

// at locates a finding on a policy line (with the file line when the CLI
// read the object from a file with a block scalar).
func (in *rbacInput) at(key string, line int) policy.Location {
	loc := policy.Location{Object: in.obj.Ref, Key: key, Line: line}
	if src := in.obj.Source; src != nil && line > 0 {
		if start, ok := src.KeyLines[key]; ok && start > 0 {
			loc.File, loc.FileLine = src.File, start+line-1
		}
	}
	return loc
}

func (in *rbacInput) atLine(l *rbac.Line) policy.Location { return in.at(l.Key, l.Line) }

// atKey locates a finding on a single-value key (policy.default, scopes).
func (in *rbacInput) atKey(key string) policy.Location { return in.at(key, 1) }

// userLines are the lines the user wrote (no built-in policy).
func (in *rbacInput) userLines() []*rbac.Line { return in.pol.Lines }

// adminSubjects are the settings' admin groups as names and as the IDs the
// provider sends.
func (in *rbacInput) adminSubjects() map[string]bool {
	out := map[string]bool{}
	for _, a := range in.set.AdminGroups {
		out[a] = true
		out[in.set.ResolveSubject(a)] = true
		if g, ok := in.set.GroupByName(a); ok {
			out[g.ID] = true
		}
	}
	return out
}

// groupIDPattern is an IAM Identity Center Identity Store GroupId.
var groupIDPattern = regexp.MustCompile(`^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// isGroupIDShape reports whether s is shaped like a GroupId in any case.
func isGroupIDShape(s string) bool { return groupIDPattern.MatchString(strings.ToLower(s)) }

// isRoleName: role:..., proj:... (and the built-in role names).
func isRoleName(s string) bool {
	return strings.HasPrefix(s, "role:") || strings.HasPrefix(s, "proj:")
}

// isUserName: an e-mail address or Argo CD's local admin user; such
// subjects are user ids, not groups.
func isUserName(s string) bool { return strings.Contains(s, "@") || s == rbac.UserAdmin }

// groupCandidate reports whether a subject should be treated as an
// identity-provider group: a known group (ID or name), or, when nothing
// marks it as a role or a user, any other name.
func (in *rbacInput) groupCandidate(sub string) bool {
	if _, ok := in.set.GroupByID(sub); ok {
		return true
	}
	if _, ok := in.set.GroupByName(sub); ok {
		return true
	}
	return !isRoleName(sub) && !isUserName(sub) && !in.isLocalAccount(sub)
}

// isLocalAccount reports whether argocd-cm declares accounts.<name>.
func (in *rbacInput) isLocalAccount(sub string) bool {
	if in.argocdCM == nil {
		return false
	}
	// accounts.<name>, accounts.<name>.enabled, accounts.<name>.tokens
	for k := range in.argocdCM.Data {
		if name, ok := strings.CutPrefix(k, "accounts."); ok {
			if name, _, _ = strings.Cut(name, "."); name == sub {
				return true
			}
		}
	}
	return false
}

// gLines and pLines are the user's g and p lines, in load order.
func (in *rbacInput) gLines() []*rbac.Line { return in.g }
func (in *rbacInput) pLines() []*rbac.Line { return in.p }

// quoteField shows a field value with its spaces visible.
func quoteField(s string) string { return `"` + s + `"` }

// shortName is a known group's display name, else the subject itself.
func (in *rbacInput) shortName(sub string) string {
	if g, ok := in.set.GroupByID(sub); ok && g.Name != "" {
		return g.Name
	}
	return sub
}
