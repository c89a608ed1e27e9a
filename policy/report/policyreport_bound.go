package report

// A report is one object in the API server, which refuses objects past its
// request size limit; the audit controller would retry such a report
// forever. So the results of one report are bounded: past the bound, the
// findings of each rule are counted in one result ("... and N more"), and
// the summary still counts every finding.

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// MaxReportBytes bounds one report object as JSON.
const MaxReportBytes = 1 << 20

// maxResultsBytes is the share of the results; the rest is room for the
// metadata, the summary, the server's fields and the "and N more" results.
const maxResultsBytes = MaxReportBytes * 3 / 4

// PropertyOmitted, on an "and N more" result, is N.
const PropertyOmitted = "omitted"

// boundResults keeps results in order while their JSON fits in budget
// bytes; every finding result past that is counted, per rule and result,
// in one result appended after them. Pass and skip results (one per rule)
// are always kept.
func boundResults(results []ReportResult, budget int) []ReportResult {
	type group struct{ rule, result string }
	var (
		kept    = results[:0:0]
		used    int
		order   []group
		omitted = map[group]int{}
		first   = map[group]ReportResult{}
	)
	for _, res := range results {
		raw, err := json.Marshal(res)
		size := len(raw) + 1
		if err != nil || res.Result == ResultPass || res.Result == ResultSkip || used+size <= budget {
			kept = append(kept, res)
			used += size
			continue
		}
		g := group{res.Rule, res.Result}
		if omitted[g] == 0 {
			order = append(order, g)
			first[g] = res
		}
		omitted[g]++
	}
	for _, g := range order {
		more := first[g]
		more.Message = fmt.Sprintf("... and %d more %s findings of %s, not listed: the report is size-bounded; run `argoguard check` for all",
			omitted[g], g.result, g.rule)
		more.Properties = map[string]string{PropertyOmitted: strconv.Itoa(omitted[g])}
		if t := first[g].Properties["title"]; t != "" {
			more.Properties["title"] = t
		}
		kept = append(kept, more)
	}
	return kept
}
