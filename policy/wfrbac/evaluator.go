package wfrbac

import (
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// maxPrograms bounds an Evaluator's cache; past it, rules are compiled
// for each call as Evaluate does.
const maxPrograms = 256

// Evaluator runs rules as Evaluate does, compiling each rule once per
// shape of environment: which claims are present (argo-server gives each
// claim one type), all expr-lang's compile step reads from the claims map;
// the values are read when the program runs. Comparing the choice for
// thousands of groups, or the order checks' search, then compiles each
// rule a few times, not thousands. The zero value is ready, a nil one
// keeps nothing; it is not safe for concurrent use and belongs to one
// analysis.
type Evaluator struct {
	programs map[programKey]compiled
	// scratch is the environment Verdict and CompareChoice refill for each
	// user: a program keeps nothing of its environment once it has run.
	scratch map[string]any
}

type programKey struct {
	rule  string
	names uint16 // a bit per claim present, from claimNames
}

type compiled struct {
	program *vm.Program
	err     error
}

// claimNames are the names argo-server's re-issued claims can have.
var claimNames = [...]string{"iss", "sub", "exp", "groups", "email", "name", "preferred_username",
	"service_account_name", "service_account_namespace"}

// shape returns the key of env's shape; ok is false for an environment
// that is not made of argo-server's claims with their types (compiled
// afresh, never cached).
func shape(rule string, env map[string]any) (programKey, bool) {
	key := programKey{rule: rule}
	n := 0
	for i, name := range claimNames {
		v, present := env[name]
		if !present {
			continue
		}
		n++
		key.names |= 1 << i
		var typed bool
		switch name {
		case "exp":
			_, typed = v.(float64)
		case "groups":
			_, typed = v.([]any)
		default:
			_, typed = v.(string)
		}
		if !typed {
			return key, false
		}
	}
	return key, n == len(env)
}

// Evaluate is Evaluate with the compiled program reused.
func (e *Evaluator) Evaluate(rule string, env map[string]any) (Verdict, error) {
	key, keep := shape(rule, env)
	keep = keep && e != nil
	var c compiled
	cached := false
	if keep {
		c, cached = e.programs[key]
	}
	if !cached {
		c.program, c.err = expr.Compile(rule, expr.Env(env))
		if keep && len(e.programs) < maxPrograms {
			if e.programs == nil {
				e.programs = map[programKey]compiled{}
			}
			e.programs[key] = c
		}
	}
	if c.err != nil {
		return Fail, c.err
	}
	return runProgram(c.program, env)
}

// run is Evaluate's verdict alone.
func (e *Evaluator) run(rule string, env map[string]any) Verdict {
	v, _ := e.Evaluate(rule, env)
	return v
}

// Verdict is rule's verdict for a user with claims c.
func (e *Evaluator) Verdict(rule string, c Claims) Verdict {
	env, err := e.env(c)
	if err != nil {
		return Fail
	}
	return e.run(rule, env)
}

// env is c's environment, in e's scratch map when c allows the direct
// construction; valid until the next call.
func (e *Evaluator) env(c Claims) (map[string]any, error) {
	if e == nil {
		return c.Env()
	}
	if e.scratch == nil {
		e.scratch = make(map[string]any, len(claimNames))
	}
	clear(e.scratch)
	if c.fillEnv(e.scratch) {
		return e.scratch, nil
	}
	return c.jsonEnv()
}
