package wfrbac

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// maxPrograms bounds an Evaluator's cache; past it, rules are compiled
// for each call as Evaluate does.
const maxPrograms = 256

// Evaluator runs rules as Evaluate does, compiling each rule once per
// shape of environment: the claim names present and their Go types, which
// are all expr-lang's compile step reads from the claims map (the values
// are read when the program runs). Comparing the choice for thousands of
// groups then compiles each rule a few times, not thousands. The zero
// value is ready; it is not safe for concurrent use.
type Evaluator struct {
	programs map[string]compiled
}

type compiled struct {
	program *vm.Program
	err     error
}

// Evaluate is Evaluate with the compiled program reused.
func (e *Evaluator) Evaluate(rule string, env map[string]any) (Verdict, error) {
	key := shapeKey(rule, env)
	c, ok := e.programs[key]
	if !ok {
		c.program, c.err = expr.Compile(rule, expr.Env(env))
		if e.programs == nil {
			e.programs = map[string]compiled{}
		}
		if len(e.programs) < maxPrograms {
			e.programs[key] = c
		}
	}
	if c.err != nil {
		return Fail, c.err
	}
	out, err := expr.Run(c.program, env)
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

// shapeKey is the rule with the environment's names and types, sorted.
func shapeKey(rule string, env map[string]any) string {
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(rule)
	for _, k := range names {
		b.WriteString("\x00")
		b.WriteString(k)
		b.WriteString("\x00")
		if t := reflect.TypeOf(env[k]); t != nil {
			b.WriteString(t.String())
		} else {
			b.WriteString("nil")
		}
	}
	return b.String()
}
