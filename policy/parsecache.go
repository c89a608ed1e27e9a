package policy

import (
	"hash/maphash"
	"maps"
	"slices"
	"sync"
)

// ParseCache keeps parsed ConfigMaps by content across evaluations: the
// webhook evaluates the state after a change and the state before it, and
// the objects a change does not touch are the same in both and in the
// next admission. It holds at most its bound of entries, the most recently
// used first, and is safe for concurrent use (one mutex, never held while
// parsing). The zero value is not usable: see NewParseCache.
type ParseCache struct {
	seed    maphash.Seed
	mu      sync.Mutex
	max     int
	entries []*parseEntry
}

// parseKind says which parse an entry holds: the same data parsed as
// argocd-cm and as argocd-rbac-cm are two entries.
type parseKind uint8

const (
	parseRBACKind parseKind = iota + 1
	parseArgoCDKind
	parseWorkflowsKind
	parseCertificatesKind
)

type parseEntry struct {
	kind parseKind
	sum  uint64
	data map[string]string // a copy: the caller may change its own map
	text string            // the key of a text parse (data is nil then)
	val  any
}

// NewParseCache returns a cache of at most max parses. A parsed
// 10,000-line policy with its enforcer keeps a few MiB, so a handful of
// entries (the states after and before a change, for each guarded
// ConfigMap) is the right size.
func NewParseCache(max int) *ParseCache {
	return &ParseCache{seed: maphash.MakeSeed(), max: max}
}

// sum hashes a data map independently of its iteration order; equal sums
// are confirmed by comparing the content.
func (c *ParseCache) sum(data map[string]string) uint64 {
	var total uint64
	for k, v := range data {
		var h maphash.Hash
		h.SetSeed(c.seed)
		h.WriteString(k)
		h.WriteByte(0)
		h.WriteString(v)
		total += h.Sum64()
	}
	return total + uint64(len(data))
}

// cachedParse returns parse(data), from the cache when it holds the same
// kind and content; a nil cache parses every time.
func cachedParse[T any](c *ParseCache, kind parseKind, data map[string]string, parse func(map[string]string) T) T {
	if c == nil || c.max <= 0 {
		return parse(data)
	}
	sum := c.sum(data)
	c.mu.Lock()
	for i, e := range c.entries {
		if e.kind == kind && e.sum == sum && maps.Equal(e.data, data) {
			c.toFront(i)
			c.mu.Unlock()
			return e.val.(T)
		}
	}
	c.mu.Unlock()
	v := parse(data) // outside the lock: parses run concurrently
	c.insert(&parseEntry{kind: kind, sum: sum, data: maps.Clone(data), val: v})
	return v
}

// cachedTextParse is cachedParse for a parse of one string value (a
// certificate bundle): strings are immutable, so the key is kept as is.
func cachedTextParse[T any](c *ParseCache, kind parseKind, text string, parse func(string) T) T {
	if c == nil || c.max <= 0 {
		return parse(text)
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(text)
	sum := h.Sum64()
	c.mu.Lock()
	for i, e := range c.entries {
		if e.kind == kind && e.sum == sum && e.data == nil && e.text == text {
			c.toFront(i)
			c.mu.Unlock()
			return e.val.(T)
		}
	}
	c.mu.Unlock()
	v := parse(text)
	c.insert(&parseEntry{kind: kind, sum: sum, text: text, val: v})
	return v
}

// insert puts e first and drops the least recently used entries beyond
// the bound.
func (c *ParseCache) insert(e *parseEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.Insert(c.entries, 0, e)
	if len(c.entries) > c.max {
		clear(c.entries[c.max:])
		c.entries = c.entries[:c.max]
	}
}

// toFront moves entry i to the front (the caller holds the lock).
func (c *ParseCache) toFront(i int) {
	e := c.entries[i]
	copy(c.entries[1:i+1], c.entries[:i])
	c.entries[0] = e
}

// Len is the number of parses the cache holds.
func (c *ParseCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
