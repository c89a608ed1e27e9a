package rbac

import (
	"errors"
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/util"
	"github.com/gobwas/glob"
)

// ModelConf is Argo CD's casbin model (assets/model.conf), unchanged from
// v2.14 to v3.6: subjects through g (exact names, role chains), res/act/obj
// through globOrRegexMatch, effect some(allow) && !some(deny).
const ModelConf = `[request_definition]
r = sub, res, act, obj

[policy_definition]
p = sub, res, act, obj, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && globOrRegexMatch(r.res, p.res) && globOrRegexMatch(r.act, p.act) && globOrRegexMatch(r.obj, p.obj)
`

// CasbinEnforcer is the same policy loaded into a real casbin v2 enforcer
// with Argo CD's model and globOrRegexMatch. Enforcer answers the same
// questions faster and with explanations; this one is the reference the
// tests compare it with.
type CasbinEnforcer struct {
	enf         *casbin.Enforcer
	defaultRole string
}

// NewCasbinEnforcer loads the built-in policy and p's lines into casbin.
func NewCasbinEnforcer(p *Policy) (*CasbinEnforcer, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, p.Err())
	}
	m, err := model.NewModelFromString(ModelConf)
	if err != nil {
		return nil, err
	}
	lines := append(append([]*Line(nil), builtinLines...), p.Lines...)
	enf, err := casbin.NewEnforcer(m, &lineAdapter{lines: lines})
	if err != nil {
		return nil, err
	}
	match := globMatchFunc
	if p.Regex() {
		match = util.RegexMatchFunc
	}
	enf.AddFunction("globOrRegexMatch", match)
	return &CasbinEnforcer{enf: enf, defaultRole: p.Default}, nil
}

// Enforce answers like Argo CD's Enforcer.Enforce: default role, then subject.
func (c *CasbinEnforcer) Enforce(sub, res, act, obj string) bool {
	if c.defaultRole != "" {
		if ok, err := c.enf.Enforce(c.defaultRole, res, act, obj); ok && err == nil {
			return true
		}
	}
	ok, err := c.enf.Enforce(sub, res, act, obj)
	return ok && err == nil
}

func globMatchFunc(args ...any) (any, error) {
	if len(args) < 2 {
		return false, nil
	}
	val, ok1 := args[0].(string)
	pattern, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return false, nil
	}
	// As Argo CD's util/glob.Match: gobwas/glob, no separators, false on a
	// pattern that does not compile. Deliberately not this package's
	// matcher, so the comparison in the tests is independent.
	g, err := glob.Compile(pattern)
	if err != nil {
		return false, nil
	}
	return g.Match(val), nil
}

// lineAdapter feeds already-parsed lines to casbin, the way Argo CD's
// adapter appends tokens[1:] to model[sec][key].Policy.
type lineAdapter struct{ lines []*Line }

func (a *lineAdapter) LoadPolicy(m model.Model) error {
	for _, l := range a.lines {
		sec := l.Type[:1]
		ast, ok := m[sec][l.Type]
		if !ok {
			return fmt.Errorf("invalid RBAC policy: %s", l.Text)
		}
		ast.Policy = append(ast.Policy, append([]string(nil), l.Fields...))
	}
	return nil
}

var errReadOnly = errors.New("not implemented")

func (a *lineAdapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (a *lineAdapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (a *lineAdapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (a *lineAdapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
