package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/policy/rules"
)

// TestSchemaDocNamesEveryField keeps docs/report-schema.md honest: every
// JSON field the report can carry is named there in backquotes.
func TestSchemaDocNamesEveryField(t *testing.T) {
	doc, err := os.ReadFile("../../docs/report-schema.md")
	if err != nil {
		t.Fatal(err)
	}
	// Fields only some reports carry.
	keys := map[string]bool{"matrixError": true, "error": true, "reason": true, "note": true, "path": true, "baseline": true}
	// The guide as written (findings) and the fix against it as the
	// baseline (grants and revokes), with a clock.
	baseline := loadObject(t, guideDir+"/as-written/argocd-rbac-cm.yaml")
	// And the fix with the cluster's RBAC objects (Workflows accounts in
	// Kubernetes).
	withCluster := report.Build(report.Input{Snapshot: guideSnapshot(t, "fixed"), Rules: rules.MustNewRegistry().Rules(), ClusterRBAC: clusterRBAC()})
	for _, r := range []*report.Report{
		guideReport(t, "as-written", nil, fixedClock),
		guideReport(t, "fixed", baseline, fixedClock),
		withCluster,
	} {
		var buf bytes.Buffer
		if err := report.WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		collectKeys(v, keys, false)
	}
	if !keys["grants"] || !keys["subject"] || !keys["message"] || !keys["via"] {
		t.Fatal("the sample reports lack findings or RBAC changes")
	}
	var missing []string
	for k := range keys {
		if !bytes.Contains(doc, []byte("`"+k+"`")) {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/report-schema.md does not name these report fields: %s", strings.Join(missing, ", "))
	}
	if !bytes.Contains(doc, []byte(report.SchemaVersion)) {
		t.Errorf("docs/report-schema.md does not name the schema version %s", report.SchemaVersion)
	}
}

// collectKeys gathers object keys, skipping the values of maps keyed by
// data (severity and action counts are documented as a group).
func collectKeys(v any, into map[string]bool, skip bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if !skip {
				into[k] = true
			}
			collectKeys(val, into, k == "bySeverity" || k == "byAction")
		}
	case []any:
		for _, e := range x {
			collectKeys(e, into, false)
		}
	}
}
