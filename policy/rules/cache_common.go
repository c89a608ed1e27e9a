package rules

// Parse caches shared by the rules: every rule of one evaluation reads the
// same guarded objects, and the webhook evaluates the state after a change
// and the state before it, so a parsed argocd-cm, argocd-rbac-cm or
// certificate is looked up by content, a few entries at a time.

import (
	"hash/maphash"
	"maps"
	"slices"
	"sync"
	"unsafe"
)

// dataCache maps the data of a ConfigMap to a value parsed from it. It
// holds at most max entries, the most recently used first; concurrent
// evaluations share it (one mutex, never held while parsing).
//
// Lookup is by the identity of the data's strings first (the rules of one
// evaluation pass the very same strings: Go strings are immutable, so the
// same address and length is the same content), then by a hash of the
// content confirmed by comparing it, so two objects with equal data (the
// live object and the request's old object) share one parse.
type dataCache[T any] struct {
	mu      sync.Mutex
	max     int
	entries []*dataEntry[T]
}

type dataEntry[T any] struct {
	data map[string]string // a copy of the map: the caller may change its own
	sum  uint64
	val  T
}

var dataSeed = maphash.MakeSeed()

// dataSum hashes a data map independently of its iteration order.
func dataSum(data map[string]string) uint64 {
	var sum uint64
	for k, v := range data {
		var h maphash.Hash
		h.SetSeed(dataSeed)
		h.WriteString(k)
		h.WriteByte(0)
		h.WriteString(v)
		sum += h.Sum64() // order-independent; collisions are confirmed below
	}
	return sum + uint64(len(data))
}

// sameStrings reports whether b holds the very same strings as a.
func sameStrings(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		w, ok := a[k]
		if !ok || len(w) != len(v) || unsafe.StringData(w) != unsafe.StringData(v) {
			return false
		}
	}
	return true
}

// get returns the value parsed from data, calling parse on a miss.
func (c *dataCache[T]) get(data map[string]string, parse func() T) T {
	if v, ok := c.byIdentity(data); ok {
		return v
	}
	sum := dataSum(data)
	if v, ok := c.byContent(data, sum); ok {
		return v
	}
	v := parse()
	c.add(&dataEntry[T]{data: maps.Clone(data), sum: sum, val: v})
	return v
}

func (c *dataCache[T]) byIdentity(data map[string]string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if sameStrings(e.data, data) {
			c.touch(i)
			return e.val, true
		}
	}
	var zero T
	return zero, false
}

// byContent finds an entry with equal content and makes data its identity,
// so that the next rules of this evaluation hit byIdentity.
func (c *dataCache[T]) byContent(data map[string]string, sum uint64) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.sum == sum && maps.Equal(e.data, data) {
			c.entries[i] = &dataEntry[T]{data: maps.Clone(data), sum: sum, val: e.val}
			c.touch(i)
			return e.val, true
		}
	}
	var zero T
	return zero, false
}

func (c *dataCache[T]) add(e *dataEntry[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = pushFront(c.entries, e, c.max)
}

// touch moves entry i to the front (the caller holds the lock).
func (c *dataCache[T]) touch(i int) { moveToFront(c.entries, i) }

// pushFront inserts e first in a most-recent-first list and drops what is
// beyond max.
func pushFront[E any](s []E, e E, max int) []E {
	s = slices.Insert(s, 0, e)
	if len(s) > max {
		clear(s[max:])
		s = s[:max]
	}
	return s
}

// moveToFront moves s[i] to the front of a most-recent-first list.
func moveToFront[E any](s []E, i int) {
	e := s[i]
	copy(s[1:i+1], s[:i])
	s[0] = e
}

// stringCache keeps values parsed from one string (a certificate's caData,
// scopes), most recent first, at most max. Keys compare as strings: equal
// content, and the same string at once.
type stringCache[T any] struct {
	mu      sync.Mutex
	max     int
	entries []stringEntry[T]
}

type stringEntry[T any] struct {
	key string
	val T
}

func (c *stringCache[T]) get(s string, parse func() T) T {
	c.mu.Lock()
	for i, e := range c.entries {
		if e.key == s {
			moveToFront(c.entries, i)
			c.mu.Unlock()
			return e.val
		}
	}
	c.mu.Unlock()
	v := parse() // outside the lock: a panicking parse leaves it unlocked
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = pushFront(c.entries, stringEntry[T]{key: s, val: v}, c.max)
	return v
}
