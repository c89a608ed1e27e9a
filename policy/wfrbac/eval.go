package wfrbac

import (
	"fmt"

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
	return (*Evaluator)(nil).Evaluate(rule, env)
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
