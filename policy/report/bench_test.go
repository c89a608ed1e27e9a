package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
)

// BenchmarkGuideReport: the guide's configuration read, evaluated, built
// into a report and rendered as HTML.
func BenchmarkGuideReport(b *testing.B) {
	for b.Loop() {
		r := guideReport(b, "as-written", nil, fixedClock)
		var buf bytes.Buffer
		if err := report.WriteHTML(&buf, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrix: a large policy, groups x project patterns.
func BenchmarkMatrix(b *testing.B) {
	for _, size := range []struct{ groups, projects int }{{10, 5}, {50, 20}, {100, 50}} {
		var csv strings.Builder
		for p := 0; p < size.projects; p++ {
			fmt.Fprintf(&csv, "p, role:team-%d, applications, *, team-%d/*, allow\n", p, p)
			fmt.Fprintf(&csv, "p, role:team-%d, applications, delete, team-%d/*, deny\n", p, p)
		}
		for g := 0; g < size.groups; g++ {
			fmt.Fprintf(&csv, "g, group-%d, role:team-%d\n", g, g%size.projects)
		}
		obj := &policy.Object{Ref: policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"},
			Data: map[string]string{"policy.csv": csv.String(), "policy.default": "role:readonly"}}
		e, err := rbac.NewEnforcer(rbac.Parse(obj.Data))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("groups=%d,projects=%d", size.groups, size.projects), func(b *testing.B) {
			cells := 0
			for b.Loop() {
				m := report.BuildMatrix(e, obj, settings.Default(), nil)
				cells = 0
				for _, s := range m.Sections {
					cells += len(s.Rows) * len(m.Subjects)
				}
			}
			b.ReportMetric(float64(cells), "cells")
		})
	}
}
