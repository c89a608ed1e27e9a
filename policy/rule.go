package policy

import (
	"fmt"
	"regexp"
	"sort"
)

// CheckFunc is one rule's check: pure, deterministic, and silent when an
// object it needs is absent. It fills Location, Message, Detail and Fix; the
// registry fills RuleID, Severity and Action (a check may set Action on one
// finding to soften it, e.g. warn for a guess; the settings' override wins).
type CheckFunc func(s *Snapshot) []Finding

// Rule is one entry of shared/RULES.md.
type Rule struct {
	ID       string // stable: RBAC-001, ACD-003, DEX-010, WF-002
	Title    string
	Severity Severity
	Category string // rbac, argocd, dex, workflows, guard
	Action   Action // default action; the settings may override it
	// Doc says what goes wrong in production and how to fix it (report help text).
	Doc string
	// ClusterOnly rules need Secrets (Snapshot.SecretsKnown).
	ClusterOnly bool
	Check       CheckFunc
}

var ruleIDPattern = regexp.MustCompile(`^(RBAC|ACD|DEX|WF|GUARD)-[0-9]{3}$`)

// Registry holds rules by ID; evaluation runs them in ID order so messages
// are deterministic.
type Registry struct {
	rules map[string]Rule
	// ordered is every rule in ID order, kept by Register so that each
	// evaluation does not sort the catalogue again.
	ordered []Rule
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{rules: map[string]Rule{}} }

// Register adds a rule. It panics on a malformed or duplicate rule: rules
// register in init(), so the binary refuses to start rather than run a
// half-valid catalogue.
func (r *Registry) Register(rule Rule) {
	if err := validateRule(rule); err != nil {
		panic(err)
	}
	if _, dup := r.rules[rule.ID]; dup {
		panic(fmt.Sprintf("policy: rule %s registered twice", rule.ID))
	}
	r.rules[rule.ID] = rule
	i := sort.Search(len(r.ordered), func(i int) bool { return ruleLess(rule.ID, r.ordered[i].ID) })
	r.ordered = append(r.ordered, Rule{})
	copy(r.ordered[i+1:], r.ordered[i:])
	r.ordered[i] = rule
}

func validateRule(rule Rule) error {
	switch {
	case !ruleIDPattern.MatchString(rule.ID):
		return fmt.Errorf("policy: rule ID %q is not of the form RBAC-001", rule.ID)
	case rule.Title == "":
		return fmt.Errorf("policy: rule %s has no title", rule.ID)
	case !rule.Severity.Valid():
		return fmt.Errorf("policy: rule %s has unknown severity %q", rule.ID, rule.Severity)
	case !rule.Action.Valid():
		return fmt.Errorf("policy: rule %s has unknown action %q", rule.ID, rule.Action)
	case rule.Check == nil:
		return fmt.Errorf("policy: rule %s has no check", rule.ID)
	}
	return nil
}

// Rule returns the rule with the given ID.
func (r *Registry) Rule(id string) (Rule, bool) {
	rule, ok := r.rules[id]
	return rule, ok
}

// Rules returns every rule in ID order.
func (r *Registry) Rules() []Rule {
	return append([]Rule(nil), r.ordered...)
}

// ruleLess orders by family as in RULES.md (RBAC, ACD, DEX, WF, GUARD), then number.
func ruleLess(a, b string) bool {
	fa, fb := familyRank(a), familyRank(b)
	if fa != fb {
		return fa < fb
	}
	return a < b
}

func familyRank(id string) int {
	for i, p := range []string{"RBAC-", "ACD-", "DEX-", "WF-", "GUARD-"} {
		if len(id) >= len(p) && id[:len(p)] == p {
			return i
		}
	}
	return 5
}

// RulePanic is returned when a rule panics: the evaluation is incomplete and
// the caller answers as its failure policy says.
type RulePanic struct {
	RuleID string
	Value  any
}

func (e *RulePanic) Error() string {
	return fmt.Sprintf("rule %s failed: %v", e.RuleID, e.Value)
}

// Evaluate runs every rule on the snapshot, in ID order, and returns the
// findings with rule ID, severity and effective action filled in. actions
// overrides the default action per rule ID (nil: defaults). A panicking rule
// stops the evaluation with a *RulePanic.
func (r *Registry) Evaluate(s *Snapshot, actions map[string]Action) ([]Finding, error) {
	return r.EvaluateOnly(s, actions, nil)
}

// EvaluateOnly is Evaluate with only the rules whose IDs are in ids (nil:
// every rule).
func (r *Registry) EvaluateOnly(s *Snapshot, actions map[string]Action, ids map[string]bool) ([]Finding, error) {
	var out []Finding
	for _, rule := range r.ordered {
		if (rule.ClusterOnly && !s.SecretsKnown) || (ids != nil && !ids[rule.ID]) {
			continue
		}
		found, err := runRule(rule, s)
		if err != nil {
			return out, err
		}
		action, overridden := rule.Action, false
		if a, ok := actions[rule.ID]; ok {
			action, overridden = a, true
		}
		for _, f := range found {
			// A rule may soften one finding (f.Action set, e.g. a guess
			// reported as warn); the settings' override always wins.
			if f.Action == "" || overridden {
				f.Action = action
			}
			f.RuleID, f.Severity = rule.ID, rule.Severity
			out = append(out, f.bounded())
		}
	}
	return out, nil
}

func runRule(rule Rule, s *Snapshot) (found []Finding, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &RulePanic{RuleID: rule.ID, Value: v}
		}
	}()
	return rule.Check(s), nil
}
