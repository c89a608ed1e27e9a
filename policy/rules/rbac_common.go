package rules

// Shared by the RBAC rules (rbac_*.go): argocd-rbac-cm parsed once per
// object, locations that point at the line, and the identity helpers that
// say whether a subject is a group, a user or a role.

import (
	"regexp"
	"strings"
	"sync"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

// rbacInput is argocd-rbac-cm as the RBAC rules see it.
type rbacInput struct {
	obj *policy.Object
	pol *rbac.Policy
	// enf decides requests. When the policy has lines Argo CD refuses
	// (RBAC-001 says so) it is built from the other lines and partial is
	// set: Argo CD loads nothing then, but a reviewer needs every other
	// finding in the same pass.
	enf     *rbac.Enforcer
	partial bool
	set     *settings.Settings
	// argocdCM is the snapshot's argocd-cm, for its local accounts
	// (isLocalAccount); accountsKnown says whether it was available.
	argocdCM      *policy.Object
	accountsKnown bool
	// p and g are the user's p and g lines.
	p, g []*rbac.Line
	// near and defaultGrants are shared by the copies of one parsed input
	// (see loadRBAC), computed on first use.
	near          *nearIndex
	defaultGrants *defaultGrants
}

// defaultGrants are the default role's permissions (without the default
// role applied twice), as RBAC-002 reads them on every evaluation.
type defaultGrants struct {
	once  sync.Once
	perms []rbac.Permission
}

// defaultRolePerms returns enf.Permissions(policy.default, false), computed
// once per parsed policy.
func (in *rbacInput) defaultRolePerms() []rbac.Permission {
	in.defaultGrants.once.Do(func() { in.defaultGrants.perms = in.enf.Permissions(in.pol.Default, false) })
	return in.defaultGrants.perms
}

// nearIndex maps a lower-cased, trimmed role name to the defined roles
// (RBAC-005's "did you mean"), built on first use.
type nearIndex struct {
	once  sync.Once
	roles map[string][]string
}

// rbacCache keeps parsed policies by content: every RBAC rule of one
// evaluation reads the same object, and parsing a 10,000-line policy 21
// times would dominate the check. Three entries (the state after a change,
// the state before it, one more admission in flight): a 10,000-line policy
// and its enforcer keep about 3.5 MiB.
var rbacCache = dataCache[*rbacInput]{max: 3}

// loadRBAC returns the snapshot's argocd-rbac-cm, parsed, or false when the
// snapshot has none.
func loadRBAC(s *policy.Snapshot) (rbacInput, bool) {
	obj := s.RBACCM
	if obj == nil {
		return rbacInput{}, false
	}
	set := s.Settings
	if set == nil {
		set = settings.Default()
	}
	in := *rbacCache.get(obj.Data, func() *rbacInput { return parseRBAC(obj) })
	in.obj = obj // the cached parse may come from another object with the same data
	in.set, in.argocdCM, in.accountsKnown = set, s.ArgoCDCM, s.ArgoCDCM != nil
	return in, true // a value: each rule's copy stays on its stack
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

func parseRBAC(obj *policy.Object) *rbacInput {
	in := &rbacInput{obj: obj, pol: rbac.Parse(obj.Data), near: &nearIndex{}, defaultGrants: &defaultGrants{}}
	for _, l := range in.pol.Lines {
		switch l.Type {
		case "p":
			in.p = append(in.p, l)
		case "g":
			in.g = append(in.g, l)
		}
	}
	if enf, err := rbac.NewEnforcer(in.pol); err == nil {
		in.enf = enf
	} else {
		in.enf, in.partial = rbac.NewPartialEnforcer(in.pol), true
	}
	return in
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
