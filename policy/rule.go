package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
)

// CheckFunc is one rule's check: pure, deterministic, and silent when an
// object it needs is absent. It fills Location, Message, Detail and Fix; the
// registry fills RuleID, Severity and Action (a check may set Action on one
// finding to soften it, e.g. warn for a guess; the settings' override wins).
type CheckFunc func(s *Snapshot) []Finding

// Rule is one entry of the catalogue (docs/rules.md).
type Rule struct {
	ID       string // stable: RBAC-001, PROJ-002, ACD-003, DEX-010, WF-002, WFSA-001
	Title    string
	Severity Severity
	Category string // rbac, appproject, argocd, dex, workflows, serviceaccount, guard
	Action   Action // default action; the settings may override it
	// Doc says what goes wrong in production and how to fix it (report help text).
	Doc string
	// ClusterOnly rules need Secrets (Snapshot.SecretsKnown).
	ClusterOnly bool
	Check       CheckFunc
}

var ruleIDPattern = regexp.MustCompile(`^(RBAC|PROJ|ACD|DEX|WF|WFSA|GUARD)-[0-9]{3}$`)

// Registry is a validated catalogue: rules by ID, evaluated in ID order so
// messages are deterministic, and defaulters in the order they apply. It
// is immutable once built and safe for concurrent use.
type Registry struct {
	rules map[string]Rule
	// ordered is every rule in ID order.
	ordered    []Rule
	defaulters []Defaulter
}

// NewRegistry validates the rules and defaulters and returns the registry
// that runs them. Every problem is reported at once: a malformed rule, a
// duplicate ID, a defaulter without an ID or a function.
func NewRegistry(rules []Rule, defaulters []Defaulter) (*Registry, error) {
	r := &Registry{rules: make(map[string]Rule, len(rules))}
	var errs []error
	for _, rule := range rules {
		if err := validateRule(rule); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := r.rules[rule.ID]; dup {
			errs = append(errs, fmt.Errorf("policy: rule %s is in the catalogue twice", rule.ID))
			continue
		}
		r.rules[rule.ID] = rule
		r.ordered = append(r.ordered, rule)
	}
	sort.SliceStable(r.ordered, func(i, j int) bool { return ruleLess(r.ordered[i].ID, r.ordered[j].ID) })
	seen := map[string]bool{}
	for i, d := range defaulters {
		switch {
		case d.ID == "":
			errs = append(errs, fmt.Errorf("policy: defaulter %d has no ID", i))
		case d.Default == nil:
			errs = append(errs, fmt.Errorf("policy: defaulter %s has no function", d.ID))
		case seen[d.ID]:
			errs = append(errs, fmt.Errorf("policy: defaulter %s is in the catalogue twice", d.ID))
		}
		seen[d.ID] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r.defaulters = slices.Clone(defaulters)
	return r, nil
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

// ruleLess orders by family as in docs/rules.md (RBAC, PROJ, ACD, DEX, WF,
// WFSA, GUARD), then number.
func ruleLess(a, b string) bool {
	fa, fb := familyRank(a), familyRank(b)
	if fa != fb {
		return fa < fb
	}
	return a < b
}

func familyRank(id string) int {
	for i, p := range []string{"RBAC-", "PROJ-", "ACD-", "DEX-", "WF-", "WFSA-", "GUARD-"} {
		if len(id) >= len(p) && id[:len(p)] == p {
			return i
		}
	}
	return 7
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
// findings with rule ID, severity and effective action filled in: the
// rule's default, or the snapshot settings' override. A panicking rule
// stops the evaluation with a *RulePanic.
func (r *Registry) Evaluate(s *Snapshot) ([]Finding, error) {
	return r.EvaluateOnly(s, nil)
}

// EvaluateOnly is Evaluate with only the rules whose IDs are in ids (nil:
// every rule).
func (r *Registry) EvaluateOnly(s *Snapshot, ids map[string]bool) ([]Finding, error) {
	var overrides map[string]string
	if s.Settings != nil {
		overrides = s.Settings.Rules
	}
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
		if a, ok := overrides[rule.ID]; ok {
			action, overridden = Action(a), true
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

// Known reports whether id is a rule of the registry (the settings' rule
// overrides: a typo there must be an error, not a no-op).
func (r *Registry) Known(id string) bool {
	_, ok := r.rules[id]
	return ok
}

// Default returns the patches every defaulter proposes for obj, in the
// registry's order. Each defaulter sees obj with the earlier defaulters'
// patches applied, so several patches of one key build on each other and
// applying them in order gives the final value.
func (r *Registry) Default(s *Snapshot, obj *Object) []Patch {
	var out []Patch
	cur := obj
	for _, d := range r.defaulters {
		patches := d.Default(s, cur)
		out = append(out, patches...)
		cur = cur.WithPatches(patches)
	}
	return out
}

func runRule(rule Rule, s *Snapshot) (found []Finding, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &RulePanic{RuleID: rule.ID, Value: v}
		}
	}()
	return rule.Check(s), nil
}

// ApplyDefaults replaces the snapshot's guarded ConfigMaps by their
// defaulted versions (WithPatches) and returns the patches applied: what
// the mutating webhook would store, for an offline check.
func (r *Registry) ApplyDefaults(snap *Snapshot) []Patch {
	var all []Patch
	for _, slot := range []**Object{&snap.ArgoCDCM, &snap.RBACCM, &snap.WorkflowsCM} {
		if *slot == nil {
			continue
		}
		patches := r.Default(snap, *slot)
		*slot = (*slot).WithPatches(patches)
		all = append(all, patches...)
	}
	return all
}
