package report

// SARIF 2.1.0 (OASIS), the format code-scanning tools read: the rule
// catalogue with help text, and results at file and line in the GitOps
// repository so the pull request is annotated where the mistake is.

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

// SARIF schema location and version.
const (
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	SARIFVersion = "2.1.0"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// Invocations carries the time of the run when a clock was given.
	Invocations []sarifInvocation `json:"invocations,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	EndTimeUTC          string `json:"endTimeUtc,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           map[string]any  `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifLevel maps the effective action: deny is an error, warn a warning,
// audit a note.
func sarifLevel(a policy.Action) string {
	switch a {
	case policy.ActionDeny:
		return "error"
	case policy.ActionWarn:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub code scanning sorts by.
func securitySeverity(s policy.Severity) string {
	switch s {
	case policy.SeverityCritical:
		return "9.5"
	case policy.SeverityHigh:
		return "8.0"
	case policy.SeverityMedium:
		return "5.5"
	case policy.SeverityLow:
		return "3.0"
	}
	return "0.0"
}

// WriteSARIF renders the report as one SARIF 2.1.0 run.
func WriteSARIF(w io.Writer, r *Report) error {
	driver := sarifDriver{Name: "argoguard", InformationURI: "https://github.com/argoguard/argoguard", Rules: []sarifRule{}}
	index := map[string]int{}
	for _, ri := range r.Rules {
		index[ri.ID] = len(driver.Rules)
		help := ri.Doc
		if help == "" {
			help = ri.Title
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: ri.ID, Name: ruleName(ri.Title),
			ShortDescription:     sarifText{Text: ri.Title},
			FullDescription:      sarifText{Text: help},
			Help:                 sarifText{Text: help, Markdown: "**" + ri.ID + " " + ri.Title + "**\n\n" + help},
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(policy.Action(ri.Action))},
			Properties: map[string]any{
				"tags":              []string{"security", ri.Category},
				"precision":         "high",
				"problem.severity":  problemSeverity(policy.Action(ri.Action)),
				"security-severity": securitySeverity(policy.Severity(ri.Severity)),
			},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, f := range r.Findings {
		i, ok := index[f.RuleID]
		if !ok {
			// A finding of a rule outside the catalogue: still a rule entry.
			i = len(run.Tool.Driver.Rules)
			index[f.RuleID] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
				ID: f.RuleID, ShortDescription: sarifText{Text: f.RuleID}, FullDescription: sarifText{Text: f.RuleID},
				Help: sarifText{Text: f.RuleID}, DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(f.Action)},
			})
		}
		msg := f.Message
		if f.Detail != "" {
			msg += ". " + f.Detail
		}
		if f.Fix != "" {
			msg += ". Fix: " + f.Fix
		}
		loc := sarifLocation{LogicalLocations: []sarifLogical{{
			Name: f.Location.Object.Name, FullyQualifiedName: f.Location.String(), Kind: "resource",
		}}}
		if f.Location.File != "" {
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(f.Location.File)}}
			if f.Location.FileLine > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Location.FileLine}
			}
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: f.RuleID, RuleIndex: i, Level: sarifLevel(f.Action),
			Message:   sarifText{Text: msg},
			Locations: []sarifLocation{loc},
			// Stable across runs and line moves: rule, object, field.
			PartialFingerprints: map[string]string{
				"argoguard/v1": f.RuleID + "|" + f.Location.Object.String() + "|" + f.Location.Key + "|" + f.Location.Path + "|" + f.Message,
			},
			Properties: map[string]any{"severity": string(f.Severity), "action": string(f.Action), "field": f.Location.Field()},
		})
	}
	if r.GeneratedAt != "" {
		run.Invocations = []sarifInvocation{{ExecutionSuccessful: true, EndTimeUTC: r.GeneratedAt}}
	}
	return writeIndentedJSON(w, sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}})
}

func problemSeverity(a policy.Action) string {
	switch a {
	case policy.ActionDeny:
		return "error"
	case policy.ActionWarn:
		return "warning"
	}
	return "recommendation"
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// fileURI is a relative URI reference with forward slashes, as code
// scanning resolves it against the repository root.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	p = strings.TrimPrefix(p, "./")
	var b strings.Builder
	for _, r := range p {
		switch {
		case r == ' ':
			b.WriteString("%20")
		case r == '%':
			b.WriteString("%25")
		case r == '#':
			b.WriteString("%23")
		case r == '?':
			b.WriteString("%3F")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteJSON renders the report's stable machine form (docs/report-schema.md).
func WriteJSON(w io.Writer, r *Report) error { return writeIndentedJSON(w, r) }
