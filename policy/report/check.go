package report

// The output of `argoguard check`: text grouped by object (most severe first,
// with file, key, line and fix), or JSON/YAML for tools.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/settings"
)

// CheckResult is the JSON/YAML document check prints.
type CheckResult struct {
	Mode     settings.Mode    `json:"mode"`
	Objects  []CheckedObject  `json:"objects"`
	Findings []policy.Finding `json:"findings"`
	Summary  CheckSummary     `json:"summary"`
}

type CheckedObject struct {
	policy.ObjectRef
	File string `json:"file,omitempty"`
}

type CheckSummary struct {
	// Deny counts findings that would be denied (action deny in enforce mode).
	Deny  int `json:"deny"`
	Warn  int `json:"warn"`
	Audit int `json:"audit"`
	// Denied says whether the change would be refused.
	Denied bool `json:"denied"`
}

// NewCheckResult gathers the findings of snap under mode, sorted and
// counted by their effect.
func NewCheckResult(snap *policy.Snapshot, findings []policy.Finding, mode settings.Mode) *CheckResult {
	res := &CheckResult{Mode: mode, Findings: findings}
	if res.Findings == nil {
		res.Findings = []policy.Finding{}
	}
	for _, o := range judgedObjects(snap) {
		co := CheckedObject{ObjectRef: o.Ref}
		if o.Source != nil {
			co.File = o.Source.File
		}
		res.Objects = append(res.Objects, co)
	}
	sortCheckFindings(res.Findings)
	for _, f := range findings {
		switch policy.Effect(f.Action, mode) {
		case policy.ActionDeny:
			res.Summary.Deny++
		case policy.ActionWarn:
			res.Summary.Warn++
		default:
			res.Summary.Audit++
		}
	}
	res.Summary.Denied = res.Summary.Deny > 0
	return res
}

// judgedObjects are the guarded ConfigMaps, then the AppProjects and the
// rbac-rule ServiceAccounts of the snapshot.
func judgedObjects(snap *policy.Snapshot) []*policy.Object {
	out := snap.Objects()
	for _, o := range append(append([]*policy.Object(nil), snap.Projects...), snap.ServiceAccounts...) {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

// sortFindings orders by object, then severity, action, rule and line.
func sortCheckFindings(fs []policy.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Location.Object != b.Location.Object {
			return objectRank(a.Location.Object) < objectRank(b.Location.Object)
		}
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if actionRank(a.Action) != actionRank(b.Action) {
			return actionRank(a.Action) < actionRank(b.Action)
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Location.Line < b.Location.Line
	})
}

func objectRank(r policy.ObjectRef) string {
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

func actionRank(a policy.Action) int {
	switch a {
	case policy.ActionDeny:
		return 0
	case policy.ActionWarn:
		return 1
	}
	return 2
}

// WriteCheckJSON writes res as indented JSON.
func WriteCheckJSON(w io.Writer, res *CheckResult) error { return writeIndentedJSON(w, res) }

// WriteCheckYAML writes res as YAML (the JSON field names).
func WriteCheckYAML(w io.Writer, res *CheckResult) error {
	b, err := yaml.Marshal(res)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteCheckText prints the findings grouped by object:
//
//	ConfigMap argocd/argocd-rbac-cm (as-written/argocd-rbac-cm.yaml)
//	  DENY   high     RBAC-007  data["policy.csv"] line 1 (argocd-rbac-cm.yaml:12)
//	         object "/*" never matches an application; */* was meant?
//	         fix: ...
func WriteCheckText(w io.Writer, res *CheckResult) {
	byObj := map[policy.ObjectRef][]policy.Finding{}
	for _, f := range res.Findings {
		byObj[f.Location.Object] = append(byObj[f.Location.Object], f)
	}
	for _, o := range res.Objects {
		fs := byObj[o.ObjectRef]
		delete(byObj, o.ObjectRef)
		header := o.ObjectRef.String()
		if o.File != "" {
			header += " (" + o.File + ")"
		}
		verdict := "ok"
		if len(fs) > 0 {
			verdict = verdictOf(fs, res.Mode)
		}
		fmt.Fprintf(w, "%s: %s\n", header, verdict)
		writeFindings(w, fs, res.Mode)
	}
	// Findings on objects not in the input (none today; kept visible).
	var rest []policy.ObjectRef
	for ref := range byObj {
		rest = append(rest, ref)
	}
	sort.Slice(rest, func(i, j int) bool { return objectRank(rest[i]) < objectRank(rest[j]) })
	for _, ref := range rest {
		fmt.Fprintf(w, "%s: %s\n", ref, verdictOf(byObj[ref], res.Mode))
		writeFindings(w, byObj[ref], res.Mode)
	}
	s := res.Summary
	result := "nothing would be denied"
	if s.Denied {
		result = "would be DENIED"
	}
	fmt.Fprintf(w, "\n%d object(s) checked (%s mode): %d deny, %d warn, %d audit finding(s); %s\n",
		len(res.Objects), res.Mode, s.Deny, s.Warn, s.Audit, result)
}

func verdictOf(fs []policy.Finding, mode settings.Mode) string {
	deny, warn := 0, 0
	for _, f := range fs {
		switch policy.Effect(f.Action, mode) {
		case policy.ActionDeny:
			deny++
		case policy.ActionWarn:
			warn++
		}
	}
	switch {
	case deny > 0:
		return fmt.Sprintf("denied (%d finding(s))", len(fs))
	case warn > 0:
		return fmt.Sprintf("allowed with warnings (%d finding(s))", len(fs))
	}
	return fmt.Sprintf("allowed (%d audit finding(s))", len(fs))
}

func writeFindings(w io.Writer, fs []policy.Finding, mode settings.Mode) {
	for _, f := range fs {
		action := policy.Effect(f.Action, mode)
		where := f.Location.Field()
		if where == "" {
			where = "(object)"
		}
		if f.Location.File != "" && f.Location.FileLine > 0 {
			where += fmt.Sprintf(" (%s:%d)", f.Location.File, f.Location.FileLine)
		}
		fmt.Fprintf(w, "  %-5s  %-8s  %-8s  %s\n", strings.ToUpper(string(action)), f.Severity, f.RuleID, where)
		fmt.Fprintf(w, "         %s\n", f.Message)
		if f.Detail != "" {
			fmt.Fprintf(w, "         why: %s\n", f.Detail)
		}
		if f.Fix != "" {
			fmt.Fprintf(w, "         fix: %s\n", f.Fix)
		}
	}
}
