package rules

// Defaults for argocd-rbac-cm: the match mode and scopes Argo CD assumes
// when they are absent, written out (plus email in scopes when policy.csv
// names users by e-mail address, which needs the email claim).

import (
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var rbacDefaulter = policy.Defaulter{ID: "rbac-match-mode-scopes", Default: defaultRBAC}

func defaultRBAC(s *policy.Snapshot, obj *policy.Object) []policy.Patch {
	if !isRBACCM(settingsOf(s), obj) {
		return nil
	}
	var out []policy.Patch
	if _, ok := obj.Data[rbac.KeyMatchMode]; !ok {
		out = append(out, policy.Patch{Object: obj.Ref, Key: rbac.KeyMatchMode, Value: "glob", Field: rbac.KeyMatchMode,
			Reason: "policy.matchMode set to glob: Argo CD's default, written out"})
	}
	if _, ok := obj.Data[rbac.KeyScopes]; !ok {
		value, why := "[groups]", "Argo CD's default, written out"
		if usesEmailSubjects(s, obj) {
			value, why = "[groups, email]", "policy.csv names users by e-mail address, which needs the email claim"
		}
		out = append(out, policy.Patch{Object: obj.Ref, Key: rbac.KeyScopes, Value: value, Field: rbac.KeyScopes,
			Reason: "scopes set to " + value + ": " + why})
	}
	return out
}

// usesEmailSubjects reports whether a p or g line's subject is an e-mail.
func usesEmailSubjects(s *policy.Snapshot, obj *policy.Object) bool {
	var lines []*rbac.Line
	if obj == s.RBACCM {
		lines = s.RBAC().Policy.Lines // the snapshot's parse
	} else {
		lines = rbac.Parse(obj.Data).Lines
	}
	for _, l := range lines {
		if (l.Type == "p" || l.Type == "g") && strings.Contains(l.Subject(), "@") {
			return true
		}
	}
	return false
}
