package report

// From findings to results: each finding located (file lines) and
// attributed to a guarded ConfigMap, one result per rule and object, and
// the counts.

import (
	"sort"
	"strconv"

	"github.com/argoguard/argoguard/policy"
)

// guardedObject returns the object a finding is reported on: its own
// object when that is one of the snapshot's ConfigMaps, else the ConfigMap
// its rule family judges.
func guardedObject(snap *policy.Snapshot, f policy.Finding) policy.ObjectRef {
	for _, o := range snap.Objects() {
		if o.Ref == f.Location.Object {
			return o.Ref
		}
	}
	if o := familyObject(snap, f.RuleID); o != nil {
		return o.Ref
	}
	return f.Location.Object
}

// judges says whether the rule applies to o: the ConfigMap of its family,
// every AppProject for PROJ rules, every ServiceAccount for WFSA rules.
func judges(snap *policy.Snapshot, ruleID string, o *policy.Object) bool {
	switch Family(ruleID) {
	case "proj":
		return o.Ref.Kind == policy.KindAppProject
	case "wfsa":
		return o.Ref.Kind == policy.KindServiceAccount
	}
	return familyObject(snap, ruleID) == o
}

// familyObject is the ConfigMap a rule family judges: RBAC rules
// argocd-rbac-cm, ACD and DEX argocd-cm, WF the Workflows ConfigMap.
func familyObject(snap *policy.Snapshot, ruleID string) *policy.Object {
	switch Family(ruleID) {
	case "rbac":
		return snap.RBACCM
	case "argocd", "dex":
		return snap.ArgoCDCM
	case "workflows":
		return snap.WorkflowsCM
	}
	return nil
}

func (r *Report) buildFindings(snap *policy.Snapshot, in []policy.Finding, rules map[string]policy.Rule) {
	for _, f := range in {
		f.Location = withFileLine(snap, f.Location)
		r.Findings = append(r.Findings, Finding{
			Finding: f,
			Title:   rules[f.RuleID].Title,
			Object:  guardedObject(snap, f),
			Result:  ResultOf(f.Action),
			Where:   Where(f.Location),
		})
	}
	sort.SliceStable(r.Findings, func(i, j int) bool { return findingLess(r.Findings[i], r.Findings[j]) })
}

// withFileLine fills File and FileLine from the object's Source when the
// rule did not.
func withFileLine(snap *policy.Snapshot, l policy.Location) policy.Location {
	if l.File != "" && l.FileLine > 0 {
		return l
	}
	for _, o := range append(judgedObjects(snap), snap.Secrets...) {
		if o == nil || o.Ref != l.Object || o.Source == nil {
			continue
		}
		l.File = o.Source.File
		if l.Key == "" && l.Path != "" && o.Source.KeyLines[l.Path] > 0 {
			l.FileLine = o.Source.KeyLines[l.Path] // an AppProject or ServiceAccount field
		} else if start, ok := o.Source.KeyLines[l.Key]; ok && start > 0 {
			l.FileLine = start
			if l.Line > 0 {
				l.FileLine = start + l.Line - 1
			}
		} else if o.Source.Line > 0 {
			// A missing key: point at the object.
			l.FileLine = o.Source.Line
		}
	}
	return l
}

// Where renders a location for people: "argocd-rbac-cm.yaml:14
// data["policy.csv"] line 6", or the object and field in the cluster.
func Where(l policy.Location) string {
	fld := l.Field()
	if l.File != "" {
		at := l.File
		if l.FileLine > 0 {
			at += ":" + strconv.Itoa(l.FileLine)
		}
		if fld != "" {
			return at + " " + fld
		}
		return at
	}
	return l.String()
}

func findingLess(a, b Finding) bool {
	if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
		return ra < rb
	}
	if a.RuleID != b.RuleID {
		return ruleLess(a.RuleID, b.RuleID)
	}
	if a.Object != b.Object {
		return refLess(a.Object, b.Object)
	}
	if a.Location.Key != b.Location.Key {
		return a.Location.Key < b.Location.Key
	}
	if a.Location.Line != b.Location.Line {
		return a.Location.Line < b.Location.Line
	}
	return a.Message < b.Message
}

func refLess(a, b policy.ObjectRef) bool {
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Kind < b.Kind
}

// ruleLess orders rule IDs as the catalogue does (RBAC, ACD, DEX, WF, number).
func ruleLess(a, b string) bool {
	rank := func(id string) int {
		switch Family(id) {
		case "rbac":
			return 0
		case "argocd":
			return 1
		case "dex":
			return 2
		case "workflows":
			return 3
		}
		return 4
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	return a < b
}

// buildObjects gives every present guarded ConfigMap one result per rule of
// its family (and every other object a finding is reported on, its failing
// rules only).
func (r *Report) buildObjects(snap *policy.Snapshot, rules []policy.Rule) {
	byObject := map[policy.ObjectRef]map[string][]int{}
	for i, f := range r.Findings {
		m := byObject[f.Object]
		if m == nil {
			m = map[string][]int{}
			byObject[f.Object] = m
		}
		m[f.RuleID] = append(m[f.RuleID], i)
	}
	seen := map[policy.ObjectRef]bool{}
	add := func(ref policy.ObjectRef, file string, own []policy.Rule) {
		seen[ref] = true
		or := ObjectReport{Object: ref, File: file, Results: []RuleResult{}}
		listed := map[string]bool{}
		for _, rule := range own {
			listed[rule.ID] = true
			or.Results = append(or.Results, r.ruleResult(snap, rule, byObject[ref][rule.ID]))
		}
		// Findings of rules from another family reported on this object.
		var extra []string
		for id := range byObject[ref] {
			if !listed[id] {
				extra = append(extra, id)
			}
		}
		sort.Slice(extra, func(i, j int) bool { return ruleLess(extra[i], extra[j]) })
		for _, id := range extra {
			rule := policy.Rule{ID: id, Title: r.Findings[byObject[ref][id][0]].Title}
			for _, ri := range rules {
				if ri.ID == id {
					rule = ri
				}
			}
			or.Results = append(or.Results, r.ruleResult(snap, rule, byObject[ref][id]))
		}
		for _, res := range or.Results {
			or.Summary.add(res.Result)
		}
		r.Objects = append(r.Objects, or)
	}
	for _, o := range judgedObjects(snap) {
		var own []policy.Rule
		for _, rule := range rules {
			if judges(snap, rule.ID, o) {
				own = append(own, rule)
			}
		}
		file := ""
		if o.Source != nil {
			file = o.Source.File
		}
		add(o.Ref, file, own)
	}
	var rest []policy.ObjectRef
	for ref := range byObject {
		if !seen[ref] {
			rest = append(rest, ref)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return refLess(rest[i], rest[j]) })
	for _, ref := range rest {
		add(ref, "", nil)
	}
}

func (r *Report) ruleResult(snap *policy.Snapshot, rule policy.Rule, findings []int) RuleResult {
	res := RuleResult{
		Rule: rule.ID, Title: rule.Title, Policy: Family(rule.ID), Category: rule.Category,
		Severity: string(rule.Severity), Result: ResultPass, Findings: findings,
	}
	for _, i := range findings {
		if res.Severity == "" {
			res.Severity = string(r.Findings[i].Severity)
		}
		if r.Findings[i].Result == ResultFail {
			res.Result = ResultFail
		} else if res.Result == ResultPass {
			res.Result = ResultWarn
		}
	}
	if len(findings) == 0 && rule.ClusterOnly && !snap.SecretsKnown {
		res.Result = ResultSkip
		res.Reason = "needs the Secrets the ConfigMaps reference (cluster with secrets.read, or Secret files given)"
	}
	return res
}

func (r *Report) buildSummary() {
	s := Summary{
		Objects:    len(r.Objects),
		Findings:   len(r.Findings),
		BySeverity: map[string]int{},
		ByAction:   map[string]int{},
	}
	for _, sev := range Severities {
		s.BySeverity[string(sev)] = 0
	}
	for _, a := range []policy.Action{policy.ActionDeny, policy.ActionWarn, policy.ActionAudit} {
		s.ByAction[string(a)] = 0
	}
	for _, f := range r.Findings {
		s.BySeverity[string(f.Severity)]++
		s.ByAction[string(f.Action)]++
	}
	for _, o := range r.Objects {
		s.Pass += o.Summary.Pass
		s.Fail += o.Summary.Fail
		s.Warn += o.Summary.Warn
		s.Skip += o.Summary.Skip
	}
	r.Summary = s
}

// Severities lists the severities, most severe first.
var Severities = []policy.Severity{
	policy.SeverityCritical, policy.SeverityHigh, policy.SeverityMedium, policy.SeverityLow, policy.SeverityInfo,
}

// FindingsBySeverity returns the findings of one severity, in report order.
func (r *Report) FindingsBySeverity(sev policy.Severity) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == sev {
			out = append(out, f)
		}
	}
	return out
}
