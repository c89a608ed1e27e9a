package wfrbac

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// GroupLiteral is a string a rule compares with a member of the groups claim.
type GroupLiteral struct {
	Value string
}

// GroupLiterals returns the group names a rule tests, read from expr's parse
// tree (never from the text): `'g' in groups`, `'g' not in groups`,
// `groups[i] == 'g'`, and `# == 'g'` inside any/all/one/none/filter/find
// over groups. An array of literals tested against groups in a predicate
// (`any(['a', 'b'], # in groups)`) counts too. A rule that does not parse
// has none.
func GroupLiterals(rule string) []GroupLiteral {
	tree, err := parser.Parse(rule)
	if err != nil {
		return nil
	}
	c := &groupCollector{seen: map[string]bool{}}
	ast.Walk(&tree.Node, c)
	return c.out
}

type groupCollector struct {
	seen map[string]bool
	out  []GroupLiteral
}

func (c *groupCollector) add(n ast.Node) {
	s, ok := n.(*ast.StringNode)
	if !ok || c.seen[s.Value] {
		return
	}
	c.seen[s.Value] = true
	c.out = append(c.out, GroupLiteral{Value: s.Value})
}

func (c *groupCollector) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "in", "not in":
			if isGroups(n.Right) {
				c.add(n.Left)
			}
		case "==", "!=":
			if isGroupsElement(n.Left) {
				c.add(n.Right)
			}
			if isGroupsElement(n.Right) {
				c.add(n.Left)
			}
		}
	case *ast.BuiltinNode:
		if len(n.Arguments) != 2 {
			return
		}
		pred, ok := n.Arguments[1].(*ast.PredicateNode)
		if !ok {
			return
		}
		switch {
		case isGroups(n.Arguments[0]):
			// # == 'g' over the groups list.
			walkPointerComparisons(pred.Node, c)
		case isArrayOfStrings(n.Arguments[0]) && predicateTestsPointerInGroups(pred.Node):
			for _, e := range n.Arguments[0].(*ast.ArrayNode).Nodes {
				c.add(e)
			}
		}
	}
}

// isGroups is whether n names the groups claim: `groups`, `$env.groups`,
// `$env['groups']`, `get($env, 'groups')`.
func isGroups(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.BuiltinNode:
		if n.Name != "get" || len(n.Arguments) != 2 {
			return false
		}
		env, ok := n.Arguments[0].(*ast.IdentifierNode)
		prop, ok2 := n.Arguments[1].(*ast.StringNode)
		return ok && ok2 && env.Value == "$env" && prop.Value == "groups"
	case *ast.IdentifierNode:
		return n.Value == "groups"
	case *ast.MemberNode:
		env, ok := n.Node.(*ast.IdentifierNode)
		prop, ok2 := n.Property.(*ast.StringNode)
		return ok && ok2 && env.Value == "$env" && prop.Value == "groups"
	}
	return false
}

func isGroupsElement(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return false
	}
	_, index := m.Property.(*ast.IntegerNode)
	return index && isGroups(m.Node)
}

func isPointer(n ast.Node) bool {
	p, ok := n.(*ast.PointerNode)
	return ok && p.Name == ""
}

func isArrayOfStrings(n ast.Node) bool {
	a, ok := n.(*ast.ArrayNode)
	if !ok {
		return false
	}
	for _, e := range a.Nodes {
		if _, ok := e.(*ast.StringNode); !ok {
			return false
		}
	}
	return true
}

type pointerComparisons struct{ c *groupCollector }

func (p pointerComparisons) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok || (b.Operator != "==" && b.Operator != "!=") {
		return
	}
	if isPointer(b.Left) {
		p.c.add(b.Right)
	}
	if isPointer(b.Right) {
		p.c.add(b.Left)
	}
}

func walkPointerComparisons(n ast.Node, c *groupCollector) {
	ast.Walk(&n, pointerComparisons{c})
}

type pointerInGroups struct{ found bool }

func (p *pointerInGroups) Visit(node *ast.Node) {
	if b, ok := (*node).(*ast.BinaryNode); ok && b.Operator == "in" && isPointer(b.Left) && isGroups(b.Right) {
		p.found = true
	}
}

func predicateTestsPointerInGroups(n ast.Node) bool {
	v := &pointerInGroups{}
	ast.Walk(&n, v)
	return v.found
}
