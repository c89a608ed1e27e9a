package rules

// RBAC-016 restricts the policy to the settings' invariants ("only the
// platform groups may sync prod/*", "auditors must keep get on logs"),
// checked with the real enforcer: default role, role chains, denies.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/settings"
)

var ruleRBAC016 = policy.Rule{
	ID: "RBAC-016", Title: "Invariant from the settings is broken",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "The settings' invariants say who may (only), who must not (never) and who must (always) hold one " +
		"permission. argoguard answers each with Argo CD's own semantics: policy.default counts for every user, " +
		"roles are followed 10 hops, a deny only blocks its own subject, and a group's own lines count only if " +
		"some g line names it. The finding names the subject and the line that grants (or fails to grant) it." +
		" Source: Argo CD semantics as in util/rbac/rbac.go; the rule itself is the settings' invariant.",
	Check: checkRBACInvariants,
}

// maxInvariantFindings bounds the findings per invariant; the rest are
// summed up in one more finding.
const maxInvariantFindings = 10

func checkRBACInvariants(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil || len(in.set.Invariants) == 0 {
		return nil
	}
	var out []policy.Finding
	for _, inv := range in.set.Invariants {
		out = append(out, in.checkInvariant(inv, s)...)
	}
	return out
}

func (in *rbacInput) checkInvariant(inv settings.Invariant, s *policy.Snapshot) []policy.Finding {
	e := in.enf
	name := inv.Name
	if name == "" {
		name = fmt.Sprintf("%s %s %s", inv.Action, inv.Resource, inv.Object)
	}
	perm := fmt.Sprintf("%s %s %s", inv.Action, inv.Resource, inv.Object)
	var out []policy.Finding
	defaultGrants := e.DefaultRole() != "" && e.EnforceSubject(e.DefaultRole(), inv.Resource, inv.Action, inv.Object)
	// own: the subject's own evaluation as the server does it.
	own := func(sub string) (bool, rbac.Decision) {
		d := e.Decide(sub, inv.Resource, inv.Action, inv.Object)
		if in.looksLikeGroup(sub) && !e.IsGroupSubject(sub) {
			return false, d
		}
		return d.Allowed, d
	}
	if len(inv.Only) > 0 {
		allowed := map[string]bool{}
		for _, o := range inv.Only {
			allowed[o] = true
			allowed[in.set.ResolveSubject(o)] = true
		}
		if defaultGrants {
			out = append(out, policy.Finding{
				Location: in.atKey(rbac.KeyDefault),
				Message:  fmt.Sprintf("invariant %q: every user may %s through policy.default", name, perm),
				Detail:   fmt.Sprintf("only %s may; policy.default %s grants it to everyone", strings.Join(inv.Only, ", "), e.DefaultRole()),
				Fix:      "remove the permission from the default role",
			})
		}
		// The local admin user counts only when argocd-cm is known and
		// does not disable it (without argocd-cm, stay silent about it).
		adminOff := s.ArgoCDCM == nil || s.ArgoCDCM.Data["admin.enabled"] == "false"
		var extra []string // violators beyond maxInvariantFindings
		reported := 0
		for _, p := range e.Holders(inv.Resource, inv.Action, inv.Object) {
			if allowed[p] || e.IsRole(p) || (p == rbac.UserAdmin && adminOff) ||
				(in.looksLikeGroup(p) && !e.IsGroupSubject(p)) {
				continue
			}
			if reported == maxInvariantFindings {
				extra = append(extra, p)
				continue
			}
			reported++
			if ok, d := own(p); ok {
				out = append(out, policy.Finding{
					Location: in.grantLocation(p, d),
					Message:  fmt.Sprintf("invariant %q: %s may %s", name, in.shortName(p), perm),
					Detail:   fmt.Sprintf("%s: only %s may; %s", in.set.DisplayName(p), strings.Join(inv.Only, ", "), in.grantStory(p, d)),
					Fix:      "remove the grant, or add the subject to the invariant's only list",
				})
			}
		}
		if len(extra) > 0 {
			out = append(out, policy.Finding{
				Location: in.at(rbac.KeyPolicyCSV, 0),
				Message:  fmt.Sprintf("invariant %q: %d more subjects may %s", name, len(extra), perm),
				Detail:   "also: " + joinAtMost(extra, 20),
				Fix:      "remove the grants, or add the subjects to the invariant's only list",
			})
		}
	}
	for _, n := range inv.Never {
		sub := in.set.ResolveSubject(n)
		ok, d := own(sub)
		switch {
		case defaultGrants:
			out = append(out, policy.Finding{
				Location: in.atKey(rbac.KeyDefault),
				Message:  fmt.Sprintf("invariant %q: %s may %s through policy.default", name, n, perm),
				Fix:      "remove the permission from the default role",
			})
		case ok:
			out = append(out, policy.Finding{
				Location: in.grantLocation(sub, d),
				Message:  fmt.Sprintf("invariant %q: %s must never %s, but may", name, n, perm),
				Detail:   in.grantStory(sub, d),
				Fix:      "remove the grant or add a deny for the subject's role",
			})
		}
	}
	for _, a := range inv.Always {
		sub := in.set.ResolveSubject(a)
		if ok, _ := own(sub); ok || defaultGrants {
			continue
		}
		out = append(out, policy.Finding{
			Location: in.at(rbac.KeyPolicyCSV, 0),
			Message:  fmt.Sprintf("invariant %q: %s must be able to %s, but cannot", name, a, perm),
			Detail:   "no allow line reaches it, a deny blocks it, or it is a group no g line names",
			Fix:      fmt.Sprintf("grant it: g, %s, <role with %s>", sub, perm),
		})
	}
	return out
}

// grantLocation points at the first line the user wrote among the g chain
// and the allow line (built-in lines cannot be edited).
func (in *rbacInput) grantLocation(sub string, d rbac.Decision) policy.Location {
	if len(d.Allow) == 0 {
		return in.at(rbac.KeyPolicyCSV, 0)
	}
	// The allow line if the user wrote it, else the g line closest to it.
	lines := append(in.enf.Path(sub, d.Allow[0].Subject()), d.Allow[0])
	for i := len(lines) - 1; i >= 0; i-- {
		if !lines[i].Builtin() {
			return in.atLine(lines[i])
		}
	}
	return in.at(rbac.KeyPolicyCSV, 0)
}

// grantStory says how sub gets the permission: "via g line ..., allowed by ...".
func (in *rbacInput) grantStory(sub string, d rbac.Decision) string {
	if len(d.Allow) == 0 {
		return ""
	}
	var parts []string
	for _, l := range in.enf.Path(sub, d.Allow[0].Subject()) {
		parts = append(parts, fmt.Sprintf("%s (%s -> %s)", l.Where(), l.Subject(), l.Role()))
	}
	parts = append(parts, "allowed by "+d.Allow[0].Where())
	return strings.Join(parts, ", ")
}
