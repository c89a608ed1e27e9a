// Package policy holds the types every argoguard check shares: the objects
// being judged (Snapshot), the checks (Rule) and what they report (Finding).
//
// It is pure: no HTTP, no Kubernetes client, no logger, no file or network
// access. The webhook and the CLI adapt their inputs to a Snapshot and their
// outputs from []Finding.
package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// Severity says how bad a finding is.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	SeverityInfo     Severity = "info"
)

// Rank orders severities, most severe first (critical = 0).
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 0
	case SeverityHigh:
		return 1
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 3
	case SeverityInfo:
		return 4
	}
	return 5
}

// Valid reports whether s is one of the known severities.
func (s Severity) Valid() bool { return s.Rank() < 5 }

// Action is what happens to a change that has a finding of a rule.
type Action string

const (
	// ActionDeny refuses the change in enforce mode (a warning in audit mode).
	ActionDeny Action = "deny"
	// ActionWarn allows the change and returns an admission warning.
	ActionWarn Action = "warn"
	// ActionAudit allows the change silently; the finding shows in reports only.
	ActionAudit Action = "audit"
)

// Valid reports whether a is one of the known actions.
func (a Action) Valid() bool { return a == ActionDeny || a == ActionWarn || a == ActionAudit }

// ObjectRef names one Kubernetes object.
type ObjectRef struct {
	Kind      string `json:"kind"` // ConfigMap, Secret, AppProject or ServiceAccount
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func (r ObjectRef) String() string {
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// Location says where a finding is, as precisely as the rule knows it, in the
// style of apimachinery's field paths: data["policy.csv"] line 12.
type Location struct {
	Object ObjectRef `json:"object"`
	// Key is the data key of the ConfigMap or Secret ("policy.csv", "dex.config", "sso");
	// empty for an AppProject or ServiceAccount, whose Path is the field path.
	Key string `json:"key,omitempty"`
	// Line is 1-based, counted inside the value of Key; 0 when unknown.
	Line int `json:"line,omitempty"`
	// Path is a YAML path inside the value of Key ("connectors[0].config.ssoURL").
	Path string `json:"path,omitempty"`
	// File and FileLine locate the finding in the file the CLI read (0 when unknown).
	File     string `json:"file,omitempty"`
	FileLine int    `json:"fileLine,omitempty"`
}

// Field renders the field path: data["policy.csv"] line 12, or
// data["dex.config"] connectors[0].config.ssoURL (line 7).
func (l Location) Field() string {
	if l.Key == "" {
		// An AppProject or ServiceAccount: the path is the whole field
		// (spec.roles[1].policies[0]).
		return l.Path
	}
	var b strings.Builder
	b.WriteString("data[")
	b.WriteString(strconv.Quote(l.Key))
	b.WriteString("]")
	if l.Path != "" {
		b.WriteString(" ")
		b.WriteString(l.Path)
	}
	if l.Line > 0 {
		if l.Path != "" {
			fmt.Fprintf(&b, " (line %d)", l.Line)
		} else {
			fmt.Fprintf(&b, " line %d", l.Line)
		}
	}
	return b.String()
}

func (l Location) String() string {
	f := l.Field()
	if f == "" {
		return l.Object.String()
	}
	return l.Object.String() + " " + f
}

// Finding is one problem a rule found. It never carries a secret value.
type Finding struct {
	RuleID   string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Action is the effective action: the rule's default, or the settings' override.
	Action   Action   `json:"action"`
	Location Location `json:"location"`
	// Message is the terse reason, short enough for an admission warning.
	Message string `json:"message"`
	// Detail is the longer explanation: what goes wrong in production.
	Detail string `json:"detail,omitempty"`
	// Fix says how to repair it.
	Fix string `json:"fix,omitempty"`
}

// Short renders the finding as one short line, rule ID first, for admission
// warnings: "RBAC-007: data["policy.csv"] line 1: object /* never matches".
func (f Finding) Short() string {
	s := f.RuleID + ": "
	if fld := f.Location.Field(); fld != "" {
		s += fld + ": "
	}
	return s + f.Message
}

// Long renders the finding with its detail and fix, for a denial message.
func (f Finding) Long() string {
	s := f.RuleID + " (" + string(f.Severity) + ") " + f.Location.String() + ": " + f.Message
	if f.Detail != "" {
		s += ". " + f.Detail
	}
	if f.Fix != "" {
		s += ". Fix: " + f.Fix
	}
	return s
}
