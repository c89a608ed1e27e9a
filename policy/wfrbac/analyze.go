package wfrbac

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
)

// Action is what the guard does about a problem.
type Action string

const (
	Deny Action = "deny"
	Warn Action = "warn"
)

// Field paths of the annotations a problem points at.
const (
	FieldRule       = "metadata.annotations[" + AnnotationRule + "]"
	FieldPrecedence = "metadata.annotations[" + AnnotationPrecedence + "]"
)

// Check names the kind of problem, so callers can report each kind as a
// rule of its own without reading the reason text.
type Check string

const (
	CheckServerAccount Check = "server-account" // rule on argo-server's own account
	CheckPrecedence    Check = "precedence"     // precedence not a plain integer
	CheckCompile       Check = "compile"        // rule does not compile
	CheckNotBoolean    Check = "not-boolean"    // rule does not return a boolean
	CheckDisplayName   Check = "display-name"   // group literal is a display name
	CheckUnknownGroup  Check = "unknown-group"  // group literal is not a known ID
	CheckTie           Check = "tie"            // equal precedence, both can answer
	CheckCatchAll      Check = "catch-all"      // true for everyone, above other accounts
	CheckFailsForSome  Check = "fails-for-some" // fails for some users a lower account would admit
	// In a namespace argo-server delegates to (delegation.go):
	CheckDelegatedFails Check = "delegated-fails" // rule does not compile or return a boolean
	CheckNotAbove       Check = "not-above"       // never chosen over the login account
)

// Problem is one finding on one account.
type Problem struct {
	Account string // namespace/name
	Field   string
	Reason  string
	Action  Action
	Check   Check
}

func (p Problem) String() string {
	return fmt.Sprintf("%s %s %s: %s", p.Action, p.Account, p.Field, p.Reason)
}

// Groups says what the identity provider sends in the groups claim. It is
// asked about the rules' literals only, so its size does not matter.
type Groups interface {
	// Configured reports whether any group is known at all.
	Configured() bool
	// Sent reports whether v is a value the provider sends.
	Sent(v string) bool
	// SentFor returns the value sent for a group's display name, when the
	// provider sends something else (an ID).
	SentFor(name string) (string, bool)
	// Each calls f with every value sent and its display name ("" when the
	// value is the name), until f returns false.
	Each(f func(value, name string) bool)
}

// GroupList is Groups over a list: the values sent and, when the provider
// sends IDs, the display names with their IDs.
type GroupList struct {
	Values []string
	IDs    map[string]string
}

func (g GroupList) Configured() bool   { return len(g.Values) > 0 }
func (g GroupList) Sent(v string) bool { return slices.Contains(g.Values, v) }
func (g GroupList) SentFor(name string) (string, bool) {
	id, ok := g.IDs[name]
	return id, ok
}
func (g GroupList) Each(f func(value, name string) bool) {
	for _, v := range g.Values {
		name := ""
		for n, id := range g.IDs {
			if id == v && (name == "" || n < name) {
				name = n
			}
		}
		if !f(v, name) {
			return
		}
	}
}

// Analyze reports the rbac-rule annotations of one namespace's accounts
// that argo-server will fail on or that make its choice surprising.
// groups are what the provider sends (nil: nothing known), and
// serverAccount is argo-server's own ServiceAccount as "namespace/name".
func Analyze(accounts []Account, groups Groups, serverAccount string) []Problem {
	return analyze(accounts, groups, serverAccount, serverConsequences)
}

// consequences say what argo-server does when a rule fails, which differs
// between its own namespace and a namespace it delegates to.
type consequences struct {
	// failCheck and failAction report a rule that fails for everyone.
	failCheck  func(Check) Check
	failAction Action
	// fails ends a reason about a rule that fails for everyone; blocks one
	// about a rule that fails for some users.
	fails, blocks string
}

var serverConsequences = consequences{
	failCheck:  func(c Check) Check { return c },
	failAction: Deny,
	fails:      "argo-server refuses the login of every user it reaches",
	blocks:     "which refuses the login without trying lower-precedence accounts that would admit them",
}

func analyze(accounts []Account, groups Groups, serverAccount string, cq consequences) []Problem {
	if groups == nil {
		groups = GroupList{}
	}
	var problems []Problem
	var ruled []Account
	for _, a := range accounts {
		if a.HasRule {
			ruled = append(ruled, a)
		}
	}
	usable := map[string]bool{} // compiles and returns a boolean
	for _, a := range ruled {
		ps := checkRule(a, groups, serverAccount, cq)
		problems = append(problems, ps...)
		if !slices.ContainsFunc(ps, func(p Problem) bool {
			return p.Check == cq.failCheck(CheckCompile) || p.Check == cq.failCheck(CheckNotBoolean)
		}) {
			usable[a.Key()] = true
		}
	}
	problems = append(problems, checkOrder(&Evaluator{}, ruled, usable, cq)...)
	return problems
}

// checkRule holds the checks that need one account only.
func checkRule(a Account, groups Groups, serverAccount string, cq consequences) []Problem {
	var out []Problem
	add := func(check Check, field string, act Action, format string, args ...any) {
		out = append(out, Problem{Account: a.Key(), Field: field, Reason: fmt.Sprintf(format, args...), Action: act, Check: check})
	}
	if a.Key() == serverAccount {
		add(CheckServerAccount, FieldRule, Deny, "argo-server's own service account has an rbac-rule: users it matches act with argo-server's rights")
	}
	if a.PrecedenceRaw != "" {
		if _, err := strconv.Atoi(a.PrecedenceRaw); err != nil {
			add(CheckPrecedence, FieldPrecedence, Warn, "%q is not a plain integer; argo-server reads it as %d", a.PrecedenceRaw, Precedence(a.PrecedenceRaw))
		}
	}
	// Every claim present: names can only be missing for real users, and
	// value types are the same for every user, so an error here is an
	// error for everyone who reaches the account.
	full := fullEnv()
	if _, err := expr.Compile(a.Rule, expr.Env(full)); err != nil {
		add(cq.failCheck(CheckCompile), FieldRule, cq.failAction, "the rule does not compile (%s); %s", firstLine(err), cq.fails)
		return out
	}
	if _, err := expr.Compile(a.Rule, expr.Env(full), expr.AsBool()); err != nil {
		add(cq.failCheck(CheckNotBoolean), FieldRule, cq.failAction, "the rule does not return a boolean (%s); %s", firstLine(err), cq.fails)
		return out
	}
	for _, g := range GroupLiterals(a.Rule) {
		if groups.Sent(g.Value) {
			continue
		}
		if id, ok := groups.SentFor(g.Value); ok {
			add(CheckDisplayName, FieldRule, Deny, "group %q is a display name; the provider sends the group ID %q, so this test is never true", g.Value, id)
		} else if groups.Configured() {
			add(CheckUnknownGroup, FieldRule, Warn, "group %q is not a known group ID", g.Value)
		}
	}
	return out
}

// checkOrder holds the checks that depend on precedence: ties that can
// both match, a catch-all above other accounts, and a rule that fails for
// some users above other accounts.
func checkOrder(e *Evaluator, ruled []Account, usable map[string]bool, cq consequences) []Problem {
	var out []Problem
	bs := bands(ruled)
	for bi, band := range bs {
		var lower []string
		var lowerUsable []Account
		for _, b := range bs[bi+1:] {
			for _, a := range b {
				lower = append(lower, a.Name)
				if usable[a.Key()] {
					lowerUsable = append(lowerUsable, a)
				}
			}
		}
		for i, a := range band {
			if !usable[a.Key()] {
				continue
			}
			for _, b := range band[:i] {
				if !usable[b.Key()] {
					continue
				}
				if w, ok := e.tieWitness(b, a); ok {
					out = append(out, Problem{Account: a.Key(), Field: FieldPrecedence, Action: Warn, Check: CheckTie,
						Reason: fmt.Sprintf("same precedence %d as %s; %s: argo-server's order between them is undefined", a.Precedence(), b.Name, w)})
				}
			}
			if len(lower) == 0 {
				continue
			}
			if e.catchAll(a) {
				out = append(out, Problem{Account: a.Key(), Field: FieldRule, Action: Warn, Check: CheckCatchAll,
					Reason: fmt.Sprintf("the rule is true for every user, so lower-precedence accounts are never chosen: %s", strings.Join(lower, ", "))})
			} else if why, admitted := e.failsAbove(a, lowerUsable); len(admitted) > 0 {
				out = append(out, Problem{Account: a.Key(), Field: FieldRule, Action: Warn, Check: CheckFailsForSome,
					Reason: fmt.Sprintf("the rule fails %s, %s: %s", why, cq.blocks, strings.Join(admitted, ", "))})
			}
		}
	}
	return out
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
