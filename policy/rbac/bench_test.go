package rbac

import (
	"fmt"
	"testing"

	"github.com/argoguard/argoguard/policy/rbac/rbactest"
)

var benchSizes = []int{100, 1000, 10000}

// BenchmarkParseAndEnforcer: argoguard's equivalent of Argo CD's
// ValidatePolicy + enforcer load.
func BenchmarkParseAndEnforcer(b *testing.B) {
	for _, n := range benchSizes {
		data := rbactest.Policy(n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewEnforcer(Parse(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCasbinLoad loads the same policy into casbin (Argo CD's load
// path without its cache), for comparison in one run.
func BenchmarkCasbinLoad(b *testing.B) {
	for _, n := range benchSizes {
		data := rbactest.Policy(n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewCasbinEnforcer(Parse(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEnforce: one request against a loaded policy, this package vs casbin.
func BenchmarkEnforce(b *testing.B) {
	for _, n := range benchSizes {
		p := Parse(rbactest.Policy(n))
		e, _ := NewEnforcer(p)
		c, _ := NewCasbinEnforcer(p)
		sub := rbactest.GroupID(n / 20)
		b.Run(fmt.Sprintf("argoguard/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				e.Enforce(sub, "applications", "sync", "team-5/web")
			}
		})
		b.Run(fmt.Sprintf("casbin/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				c.Enforce(sub, "applications", "sync", "team-5/web")
			}
		})
	}
}

func TestGeneratedPolicyIsValid(t *testing.T) {
	for _, n := range benchSizes {
		p := Parse(rbactest.Policy(n))
		if !p.Valid() {
			t.Fatalf("%d lines: %v", n, p.Err())
		}
		if got := len(p.Lines); got < n*8/10 || got > n {
			t.Errorf("%d lines requested, %d policy lines loaded", n, got)
		}
	}
}

// BenchmarkArgoCDLikeLoad approximates Argo CD's own work for a policy
// change in this package's run: ValidatePolicy (casbin load of the user
// policy, encoding/csv per line) plus the enforcer load (built-in + user).
// test/conformance measures Argo CD's real code on the same inputs.
func BenchmarkArgoCDLikeLoad(b *testing.B) {
	for _, n := range benchSizes {
		user := Compose(rbactest.Policy(n))
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := casbinLoad(user); err != nil {
					b.Fatal(err)
				}
				if _, err := casbinLoad(BuiltinPolicyCSV + "\n" + user); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
