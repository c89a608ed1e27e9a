package policy

// The record of what the defaults filled in: the mutating webhook (and
// `argoguard check --apply-defaults`) write it to the object's
// argoguard.io/defaulted annotation; both go through Defaulted.

import (
	"sort"
	"strings"
)

// DefaultedAnnotation is the annotation that records the defaults applied.
const DefaultedAnnotation = "argoguard.io/defaulted"

// DefaultedValue merges patches into the annotation's previous value:
// sorted, unique "key:field" items separated by commas
// ("dex.config:connectors[0].config.redirectURI,policy.matchMode:policy.matchMode").
// Earlier items are kept, so the annotation accumulates over changes.
func DefaultedValue(prev string, patches []Patch) string {
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

// Defaulted returns the object's annotations after patches: a copy with
// DefaultedAnnotation merged (o's own when there are no patches).
func (o *Object) Defaulted(patches []Patch) map[string]string {
	if len(patches) == 0 {
		return o.Annotations
	}
	ann := make(map[string]string, len(o.Annotations)+1)
	for k, v := range o.Annotations {
		ann[k] = v
	}
	ann[DefaultedAnnotation] = DefaultedValue(ann[DefaultedAnnotation], patches)
	return ann
}
