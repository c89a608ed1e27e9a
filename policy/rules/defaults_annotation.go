package rules

// The record of what the defaults filled in: the mutating webhook (and
// `argoguard check --apply-defaults`) write it to the object's
// argoguard.io/defaulted annotation.

import (
	"sort"
	"strings"

	"github.com/argoguard/argoguard/policy"
)

// DefaultedAnnotation is the annotation that records the defaults applied.
const DefaultedAnnotation = "argoguard.io/defaulted"

// DefaultedValue merges patches into the annotation's previous value:
// sorted, unique "key:field" items separated by commas
// ("dex.config:connectors[0].config.redirectURI,policy.matchMode:policy.matchMode").
// Earlier items are kept, so the annotation accumulates over changes.
func DefaultedValue(prev string, patches []policy.Patch) string {
	items := map[string]bool{}
	for _, it := range strings.Split(prev, ",") {
		if it = strings.TrimSpace(it); it != "" {
			items[it] = true
		}
	}
	for _, p := range patches {
		items[p.Key+":"+p.Field] = true
	}
	list := make([]string, 0, len(items))
	for it := range items {
		list = append(list, it)
	}
	sort.Strings(list)
	return strings.Join(list, ",")
}
