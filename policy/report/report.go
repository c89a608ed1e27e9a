// Package report turns findings and the RBAC permission matrix into the
// documents reviewers and tools read: PolicyReport objects, SARIF 2.1.0,
// JSON, Markdown, HTML and JUnit XML.
//
// It is pure: Build takes a snapshot, its findings and the rule catalogue
// and returns a Report; the writers render a Report to an io.Writer. The
// clock is an input (Input.Now), so the same input gives the same bytes.
package report

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// SchemaVersion names the JSON form documented in docs/report-schema.md.
// It changes only when a field changes meaning or disappears.
const SchemaVersion = "argoguard.io/report/v1"

// Result values, as PolicyReport spells them.
const (
	ResultPass = "pass"
	ResultFail = "fail"
	ResultWarn = "warn"
	ResultSkip = "skip"
)

// Input is what a report is built from.
type Input struct {
	Snapshot *policy.Snapshot
	Findings []policy.Finding
	// Rules is the catalogue that ran (rules.Registry().Rules()).
	Rules []policy.Rule
	// Baseline is the argocd-rbac-cm before the change (nil: no
	// "grants and revokes" section). It must be a valid policy.
	Baseline *policy.Object
	// Now is the report time; zero leaves timestamps out (golden files).
	Now time.Time
}

// Report is the stable machine form of one run (docs/report-schema.md).
type Report struct {
	SchemaVersion string `json:"schemaVersion"`
	// GeneratedAt is RFC 3339 UTC; empty when no clock was given.
	GeneratedAt string         `json:"generatedAt,omitempty"`
	Mode        string         `json:"mode"`
	Summary     Summary        `json:"summary"`
	Objects     []ObjectReport `json:"objects"`
	// Findings are every finding, most severe first.
	Findings []Finding  `json:"findings"`
	Rules    []RuleInfo `json:"rules"`
	// Matrix is nil when there is no argocd-rbac-cm or its policy is invalid.
	Matrix *Matrix `json:"matrix,omitempty"`
	// MatrixError says why there is no matrix.
	MatrixError string `json:"matrixError,omitempty"`
	// RBACChanges is set when a baseline was given.
	RBACChanges *RBACChanges `json:"rbacChanges,omitempty"`

	now time.Time
}

// Summary counts results (one per rule and object, or per finding) and
// findings.
type Summary struct {
	Objects  int `json:"objects"`
	Findings int `json:"findings"`
	Counts
	// BySeverity counts findings per severity (every severity present, zeros included).
	BySeverity map[string]int `json:"bySeverity"`
	// ByAction counts findings per effective action (deny, warn, audit).
	ByAction map[string]int `json:"byAction"`
}

// Counts are PolicyReport summary counts.
type Counts struct {
	Pass int `json:"pass"`
	Fail int `json:"fail"`
	Warn int `json:"warn"`
	Skip int `json:"skip"`
}

func (c *Counts) add(result string) {
	switch result {
	case ResultPass:
		c.Pass++
	case ResultFail:
		c.Fail++
	case ResultWarn:
		c.Warn++
	case ResultSkip:
		c.Skip++
	}
}

// ObjectReport is what one guarded object got: one result per rule that
// applies to it, and the findings located on it.
type ObjectReport struct {
	Object policy.ObjectRef `json:"object"`
	// File is where the CLI read it ("" in the cluster).
	File    string       `json:"file,omitempty"`
	Summary Counts       `json:"summary"`
	Results []RuleResult `json:"results"`
}

// RuleResult is one rule on one object: pass, fail (a deny finding), warn
// (warn or audit findings only) or skip (the rule needs what this run did
// not have).
type RuleResult struct {
	Rule     string `json:"rule"`
	Title    string `json:"title"`
	Policy   string `json:"policy"` // rule family: rbac, argocd, dex, workflows
	Category string `json:"category"`
	Severity string `json:"severity"`
	Result   string `json:"result"`
	// Findings are indexes into Report.Findings.
	Findings []int `json:"findings,omitempty"`
	// Reason says why a rule was skipped.
	Reason string `json:"reason,omitempty"`
}

// Finding is a policy.Finding with what a reader needs next to it.
type Finding struct {
	policy.Finding
	Title string `json:"title"`
	// Object is the guarded object the finding is reported on (the
	// location may be a Secret it references).
	Object policy.ObjectRef `json:"object"`
	// Result is fail for a deny action, warn otherwise.
	Result string `json:"result"`
	// Where is the location rendered for people: file:line and field path.
	Where string `json:"where"`
}

// RuleInfo is one catalogue entry, for the SARIF rules table and readers.
type RuleInfo struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Policy      string `json:"policy"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Action      string `json:"action"` // default action
	Doc         string `json:"doc"`
	ClusterOnly bool   `json:"clusterOnly,omitempty"`
}

// Family returns the policy (rule family) of a rule ID: RBAC-007 -> rbac.
func Family(ruleID string) string {
	prefix, _, _ := strings.Cut(ruleID, "-")
	switch prefix {
	case "RBAC":
		return "rbac"
	case "ACD":
		return "argocd"
	case "DEX":
		return "dex"
	case "WF":
		return "workflows"
	}
	return strings.ToLower(prefix)
}

// ResultOf maps a finding's effective action to a PolicyReport result.
func ResultOf(a policy.Action) string {
	if a == policy.ActionDeny {
		return ResultFail
	}
	return ResultWarn
}

// Build assembles the report. It never fails: a policy the matrix cannot be
// built from is recorded in MatrixError (RBAC-001 reports its lines).
func Build(in Input) *Report {
	snap := in.Snapshot
	if snap == nil {
		snap = &policy.Snapshot{}
	}
	r := &Report{SchemaVersion: SchemaVersion, now: in.Now, Findings: []Finding{}, Objects: []ObjectReport{}}
	if !in.Now.IsZero() {
		r.GeneratedAt = in.Now.UTC().Format(time.RFC3339)
	}
	if snap.Settings != nil {
		r.Mode = string(snap.Settings.Mode)
	}
	ruleByID := map[string]policy.Rule{}
	for _, rule := range in.Rules {
		ruleByID[rule.ID] = rule
		r.Rules = append(r.Rules, RuleInfo{
			ID: rule.ID, Title: rule.Title, Policy: Family(rule.ID), Category: rule.Category,
			Severity: string(rule.Severity), Action: string(rule.Action), Doc: rule.Doc, ClusterOnly: rule.ClusterOnly,
		})
	}
	r.buildFindings(snap, in.Findings, ruleByID)
	r.buildObjects(snap, in.Rules)
	r.buildSummary()
	if snap.RBACCM != nil {
		e, err := enforcerFor(snap.RBACCM)
		if err != nil {
			r.MatrixError = err.Error()
		} else {
			r.Matrix = BuildMatrix(e, snap.RBACCM, snap.Settings)
			if in.Baseline != nil {
				if old, err := enforcerFor(in.Baseline); err != nil {
					r.RBACChanges = &RBACChanges{Error: "baseline: " + err.Error()}
				} else {
					r.RBACChanges = BuildChanges(old, e, in.Baseline, snap.RBACCM, snap.Settings)
				}
			}
		}
	}
	return r
}

func enforcerFor(obj *policy.Object) (*rbac.Enforcer, error) {
	p := rbac.Parse(obj.Data)
	if !p.Valid() {
		return nil, p.Err()
	}
	return rbac.NewEnforcer(p)
}

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
	for _, o := range append(snap.Objects(), snap.Secrets...) {
		if o == nil || o.Ref != l.Object || o.Source == nil {
			continue
		}
		l.File = o.Source.File
		if start, ok := o.Source.KeyLines[l.Key]; ok && start > 0 {
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
	for _, o := range snap.Objects() {
		var own []policy.Rule
		for _, rule := range rules {
			if familyObject(snap, rule.ID) == o {
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

// Now returns the report's clock (zero when none was given).
func (r *Report) Now() time.Time { return r.now }
