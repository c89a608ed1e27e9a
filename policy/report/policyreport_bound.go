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
// are always kept, unless passesToo: in a report about many objects (a
// namespace's AppProjects or ServiceAccounts) they are kept with the room
// the findings leave, and counted likewise past it.
func boundResults(results []ReportResult, budget int, passesToo bool) []ReportResult {
	type group struct{ rule, result string }
	var (
		keep    = make([]bool, len(results))
		used    int
		order   []group
		omitted = map[group]int{}
		first   = map[group]ReportResult{}
	)
	isPass := func(res ReportResult) bool { return res.Result == ResultPass || res.Result == ResultSkip }
	// In order; with passesToo, findings first, then passes in the room
	// left.
	rounds := 1
	if passesToo {
		rounds = 2
	}
	for round := 0; round < rounds; round++ {
		for i, res := range results {
			if passesToo && isPass(res) != (round == 1) {
				continue
			}
			raw, err := json.Marshal(res)
			size := len(raw) + 1
			if err != nil || (isPass(res) && !passesToo) || used+size <= budget {
				keep[i] = true
				used += size
			}
		}
	}
	kept := results[:0:0]
	for i, res := range results {
		if keep[i] {
			kept = append(kept, res)
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
		if g.result == ResultPass || g.result == ResultSkip {
			more.Message = fmt.Sprintf("... and %d more %s results of %s, not listed: the report is size-bounded; run `argoguard check` for all",
				omitted[g], g.result, g.rule)
		}
		more.Properties = map[string]string{PropertyOmitted: strconv.Itoa(omitted[g])}
		more.Resources = nil // about several objects
		if t := first[g].Properties["title"]; t != "" {
			more.Properties["title"] = t
		}
		kept = append(kept, more)
	}
	return kept
}
