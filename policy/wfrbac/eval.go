package wfrbac

import (
	"fmt"
	"math/bits"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Verdict is what one rule gives for one user.
type Verdict int

const (
	NoMatch Verdict = iota
	Match
	// Fail: the rule did not compile, failed to run or returned a
	// non-boolean; argo-server refuses the login at this account.
	Fail
)

func (v Verdict) String() string {
	switch v {
	case Match:
		return "match"
	case Fail:
		return "fail"
	}
	return "no match"
}

// Evaluate runs one rule as argo-server does (util/expr/argoexpr/eval.go):
// compiled against the claims map itself, so the map's keys are the only
// names and their values fix the types, then run and asserted to be a bool.
func Evaluate(rule string, env map[string]any) (Verdict, error) {
	return (*evaluator)(nil).evaluate(rule, env)
}

// runProgram runs a compiled rule and asserts a boolean, as argo-server.
func runProgram(program *vm.Program, env map[string]any) (Verdict, error) {
	out, err := expr.Run(program, env)
	if err != nil {
		return Fail, err
	}
	b, ok := out.(bool)
	if !ok {
		return Fail, fmt.Errorf("the rule returned %T, not a boolean", out)
	}
	if b {
		return Match, nil
	}
	return NoMatch, nil
}

// evaluator runs rules for the order checks' bounded search, compiling
// each rule once per set of claim names: expr fixes names and types at
// compile time, and argo-server's environments differ between users only
// in which claims are present (each claim always has the same type). It
// belongs to one analysis, so its size is bounded by that analysis' rules.
type evaluator struct {
	programs map[programKey]compiled
}

type programKey struct {
	rule  string
	names uint16 // a bit per claim name present, from claimNames
}

type compiled struct {
	program *vm.Program
	err     error
}

// claimNames are the names argo-server's re-issued claims can have.
var claimNames = [...]string{"iss", "sub", "exp", "groups", "email", "name", "preferred_username",
	"service_account_name", "service_account_namespace"}

func newEvaluator() *evaluator { return &evaluator{programs: map[programKey]compiled{}} }

// evaluate is Evaluate with the compiled programs kept (a nil evaluator
// keeps none). An environment with a name outside claimNames is compiled
// afresh.
func (e *evaluator) evaluate(rule string, env map[string]any) (Verdict, error) {
	key := programKey{rule: rule}
	for i, n := range claimNames {
		if _, present := env[n]; present {
			key.names |= 1 << i
		}
	}
	keep := e != nil && len(env) == bits.OnesCount16(key.names)
	var c compiled
	cached := false
	if keep {
		c, cached = e.programs[key]
	}
	if !cached {
		c.program, c.err = expr.Compile(rule, expr.Env(env))
		if keep {
			e.programs[key] = c
		}
	}
	if c.err != nil {
		return Fail, c.err
	}
	return runProgram(c.program, env)
}

// run is evaluate's verdict alone.
func (e *evaluator) run(rule string, env map[string]any) Verdict {
	v, _ := e.evaluate(rule, env)
	return v
}
