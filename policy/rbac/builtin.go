package rbac

import (
	_ "embed"
	"fmt"
)

// BuiltinKey is the Line.Key of built-in policy lines.
const BuiltinKey = "builtin-policy.csv"

// BuiltinPolicyCSV is Argo CD v3.5.x's built-in policy: role:readonly,
// role:admin (which inherits role:readonly) and `g, admin, role:admin`.
// Argo CD v3.6 adds `applications, rollback` to role:admin.
//
//go:embed builtin-policy.csv
var BuiltinPolicyCSV string

// Built-in role and user names.
const (
	RoleAdmin    = "role:admin"
	RoleReadonly = "role:readonly"
	UserAdmin    = "admin"
)

var builtinLines = mustParseBuiltin()

func mustParseBuiltin() []*Line {
	lines, errs := parseLines(BuiltinKey, BuiltinPolicyCSV)
	if len(errs) > 0 {
		panic(fmt.Sprintf("rbac: built-in policy does not parse: %v", errs[0]))
	}
	return lines
}

// Builtin returns the built-in policy's lines (shared; do not modify).
func Builtin() []*Line { return builtinLines }

// IsBuiltinRole reports whether name is role:admin or role:readonly.
func IsBuiltinRole(name string) bool { return name == RoleAdmin || name == RoleReadonly }
