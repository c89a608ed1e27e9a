// Package report turns findings and the RBAC permission matrix into the
// documents reviewers and tools read: PolicyReport objects, SARIF 2.1.0,
// JSON, Markdown, HTML and JUnit XML.
//
// It is pure: Build takes a snapshot, its findings and the rule catalogue
// and returns a Report; the writers render a Report to an io.Writer. The
// clock is an input (Input.Now), so the same input gives the same bytes.
package report

import (
	"strings"
	"time"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/k8srbac"
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
	// NoMatrix leaves out the permission matrix, which only the readable
	// formats show (PolicyReports do not carry it, and it is the costly part).
	NoMatrix bool
	// ClusterRBAC are the cluster's Roles, ClusterRoles and bindings (nil
	// when no cluster was read): with them, the report says what each
	// Workflows account a group lands on may do in Kubernetes.
	ClusterRBAC *k8srbac.Objects
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
	// Groups is, per identity-provider group of the settings, what Argo CD
	// and Argo Workflows give its members (nil when the settings list no
	// group).
	Groups []GroupAccess `json:"groups,omitempty"`
	// WorkflowsAccounts are the Kubernetes permissions of the Workflows
	// accounts the groups land on (nil when no cluster was read).
	WorkflowsAccounts *AccountsAccess `json:"workflowsAccounts,omitempty"`

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
	Policy   string `json:"policy"` // rule family: rbac, argocd, dex, workflows, guard
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
	case "GUARD":
		return "guard"
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
	if !in.NoMatrix {
		r.Groups = BuildGroups(snap)
		if in.ClusterRBAC != nil && r.Groups != nil {
			r.WorkflowsAccounts = buildAccounts(r.Groups, in.ClusterRBAC)
		}
	}
	if snap.RBACCM != nil && !in.NoMatrix {
		e, err := enforcerFor(snap.RBACCM)
		if err != nil {
			r.MatrixError = err.Error()
		} else {
			r.Matrix = buildMatrix(e, snap.RBACCM, snap.Settings, LocalUsers(snap.ArgoCDCM), projectRoleSubjects(snap))
			r.Matrix.addProjectSections(snap)
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

// Now returns the report's clock (zero when none was given).
func (r *Report) Now() time.Time { return r.now }
