package report

// JUnit XML for CI dashboards: one test suite per object, one test case per
// rule and object. A deny or warn finding fails the case; audit findings
// are written to the case's output; a rule that could not run is skipped.

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit renders the report as JUnit XML.
func WriteJUnit(w io.Writer, r *Report) error {
	out := junitSuites{Name: "argoguard", Time: "0"}
	for _, o := range r.Objects {
		s := junitSuite{Name: o.Object.String(), Time: "0", Timestamp: strings.TrimSuffix(r.GeneratedAt, "Z")}
		class := "argoguard." + o.Object.Namespace + "." + o.Object.Name
		for _, res := range o.Results {
			c := junitCase{Name: res.Rule + " " + res.Title, Classname: class, Time: "0", File: o.File}
			var failing, audit []string
			for _, i := range res.Findings {
				f := r.Findings[i]
				line := fmt.Sprintf("%s %s: %s", strings.ToUpper(string(f.Action)), f.Where, f.Message)
				if f.Fix != "" {
					line += "\n    fix: " + f.Fix
				}
				if f.Action == policy.ActionAudit {
					audit = append(audit, line)
				} else {
					failing = append(failing, line)
				}
			}
			switch {
			case len(failing) > 0:
				typ := string(policy.ActionWarn)
				if res.Result == ResultFail {
					typ = string(policy.ActionDeny)
				}
				c.Failure = &junitFailure{
					Message: fmt.Sprintf("%d finding(s): %s", len(failing), r.Findings[res.Findings[0]].Message),
					Type:    typ,
					Text:    strings.Join(failing, "\n"),
				}
				s.Failures++
			case res.Result == ResultSkip:
				c.Skipped = &junitSkipped{Message: res.Reason}
				s.Skipped++
			}
			if len(audit) > 0 {
				c.SystemOut = strings.Join(audit, "\n")
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		out.Suites = append(out.Suites, s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
