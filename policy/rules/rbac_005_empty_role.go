package rules

// RBAC-005 restricts g lines to roles that exist: a g line whose role has
// no permissions (usually a typo, or a trailing space) is a dead line that
// gives its subject nothing. policy.default naming such a role is a valid
// deny-by-default setup and is only reported when it looks like a typo.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC005 = policy.Rule{
	ID: "RBAC-005", Title: "g line names a role with no permissions",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "Roles are plain names (util/rbac/rbac.go builds casbin's role links from the g lines as written): a g " +
		"line whose role no p line grants anything, directly or through the roles it inherits, is a dead line: " +
		"its subject gets nothing from it (a role such as role:admin keeps its own permissions). This is usually " +
		"a typo (role:readOnly), a trailing space (\"role:readonly \"), or a role whose p lines were removed; the " +
		"line is denied. policy.default naming a role with no permissions (role:none) is a valid deny-by-default " +
		"setup: Argo CD enforces the default role like any subject and a role without p lines simply allows " +
		"nothing, so it is reported (warn) only when the name is one edit away from a role that exists. Built-in " +
		"roles count as defined; project roles (proj:...) live in AppProjects and are not checked.",
	Check: checkRBACEmptyRole,
}

func checkRBACEmptyRole(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok || in.enf == nil {
		return nil
	}
	idx := &nearIndex{}
	empty := func(role string) bool {
		return !strings.HasPrefix(role, "proj:") && !in.enf.HasPermissions(role)
	}
	var out []policy.Finding
	if def := in.pol.Default; def != "" && empty(def) {
		// Deny-by-default is deliberate and works; only a likely typo is worth a word.
		if near := nearRole(&in, idx, def); near != "" {
			out = append(out, policy.Finding{
				Action:   policy.ActionWarn,
				Location: in.atKey(rbac.KeyDefault),
				Message:  fmt.Sprintf("policy.default %s has no permissions; a typo of %s?", quoteField(def), quoteField(near)),
				Detail: "no p line grants anything to this role, so users without a group get nothing (deny by default); " +
					"the name is one edit away from the defined role " + quoteField(near),
				Fix: fmt.Sprintf("if %s was meant, write it exactly; for deny by default, keep the name or remove policy.default", quoteField(near)),
			})
		}
	}
	for _, l := range in.gLines() {
		if !empty(l.Role()) {
			continue
		}
		detail := "no p line grants anything to this role or the roles it inherits"
		if near := nearRole(&in, idx, l.Role()); near != "" {
			detail += fmt.Sprintf("; did you mean %s?", quoteField(near))
		}
		if in.enf.HasPermissions(l.Subject()) {
			detail += fmt.Sprintf("; %s keeps the permissions it has from other lines", quoteField(l.Subject()))
		}
		out = append(out, policy.Finding{
			Location: in.atLine(l),
			Message:  fmt.Sprintf("dead line: role %s has no permissions, so it adds nothing to %s", quoteField(l.Role()), quoteField(l.Subject())),
			Detail:   detail,
			Fix:      "fix the role name, add the role's p lines, or remove the line",
		})
	}
	return out
}

// nearIndex maps a lower-cased, trimmed role name and its one-deletion
// variants to the defined roles with permissions (the "did you mean"),
// built on first use in one check.
type nearIndex struct {
	roles map[string][]string
}

// nearRole returns a role with permissions whose name is one edit (insert,
// delete, replace or swap of neighbours) away from role once case and
// surrounding spaces are ignored, or "". Lookups go through an index of
// every such name and its one-deletion variants (built on first use), so a
// policy with many roles is not compared pairwise.
func nearRole(in *rbacInput, idx *nearIndex, role string) string {
	if idx.roles == nil {
		idx.roles = map[string][]string{}
		for _, n := range in.enf.Names() { // sorted: the first candidate is stable
			if !in.enf.HasPermissions(n) || len(n) > maxNearRoleLen {
				continue
			}
			for _, v := range deletionVariants(normRoleName(n)) {
				idx.roles[v] = append(idx.roles[v], n)
			}
		}
	}
	q := normRoleName(role)
	if len(q) > maxNearRoleLen+1 {
		return ""
	}
	for _, v := range deletionVariants(q) {
		for _, n := range idx.roles[v] {
			if n != role && withinOneEdit(q, normRoleName(n)) {
				return n
			}
		}
	}
	return ""
}

// maxNearRoleLen bounds the names nearRole indexes: each name adds its
// length in variants of its length, so a hostile 100 KB name must not.
const maxNearRoleLen = 128

func normRoleName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// deletionVariants is s and every string made by deleting one byte of it.
func deletionVariants(s string) []string {
	out := make([]string, 0, len(s)+1)
	out = append(out, s)
	for i := range len(s) {
		out = append(out, s[:i]+s[i+1:])
	}
	return out
}

// withinOneEdit reports whether a and b differ by at most one inserted,
// deleted or replaced byte, or one swap of neighbouring bytes.
func withinOneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) || a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}
