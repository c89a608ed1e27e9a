package rules

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/argoguard/argoguard/policy"
)

func TestDataCacheParsesEqualContentOnce(t *testing.T) {
	c := dataCache[string]{max: 2}
	parses := 0
	parse := func(data map[string]string) func() string {
		return func() string { parses++; return data["k"] }
	}
	a := map[string]string{"k": "value"}
	// Equal content in other strings (the request's old object next to the live one).
	b := map[string]string{"k": strings.Clone("value")}
	if got := c.get(a, parse(a)); got != "value" {
		t.Fatalf("got %q", got)
	}
	if got := c.get(b, parse(b)); got != "value" || parses != 1 {
		t.Fatalf("equal content: got %q after %d parses, want one parse", got, parses)
	}
	// The caller changes its own map in place: the cache must not serve the old parse.
	a["k"] = "changed"
	if got := c.get(a, parse(a)); got != "changed" || parses != 2 {
		t.Fatalf("changed map: got %q after %d parses", got, parses)
	}
	// A key added or removed is a different content too.
	a["other"] = "x"
	if c.get(a, parse(a)); parses != 3 {
		t.Fatalf("added key served from the cache (%d parses)", parses)
	}
}

func TestDataCacheIsBounded(t *testing.T) {
	c := dataCache[int]{max: 3}
	for i := range 10 {
		c.get(map[string]string{"k": fmt.Sprint(i)}, func() int { return i })
	}
	if len(c.entries) != 3 {
		t.Fatalf("%d entries, want at most 3", len(c.entries))
	}
	// The most recent stay; the oldest went.
	parsed := false
	if v := c.get(map[string]string{"k": "9"}, func() int { parsed = true; return -1 }); v != 9 || parsed {
		t.Errorf("most recent entry lost: %d, parsed %v", v, parsed)
	}
	if v := c.get(map[string]string{"k": "0"}, func() int { return -1 }); v != -1 {
		t.Errorf("oldest entry still cached: %d", v)
	}
}

// A parse that panics leaves the cache usable: the lock is never held
// while parsing.
func TestDataCacheSurvivesPanickingParse(t *testing.T) {
	c := dataCache[int]{max: 2}
	data := map[string]string{"k": "v"}
	func() {
		defer func() { _ = recover() }()
		c.get(data, func() int { panic("parser bug") })
	}()
	if v := c.get(data, func() int { return 7 }); v != 7 {
		t.Fatalf("got %d after a panicking parse", v)
	}
}

func TestDataCacheConcurrent(t *testing.T) {
	c := dataCache[string]{max: 4}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				v := fmt.Sprint((g + i) % 6)
				if got := c.get(map[string]string{"k": v}, func() string { return v }); got != v {
					t.Errorf("got %q for %q", got, v)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Two objects with the same data share a parse, but each finding names its
// own object.
func TestSharedParseLocatesTheRightObject(t *testing.T) {
	data := map[string]string{"policy.csv": "p, role:x, applications, get, /*, allow\n"}
	other := policy.ObjectRef{Kind: "ConfigMap", Namespace: "elsewhere", Name: "argocd-rbac-cm"}
	for _, ref := range []policy.ObjectRef{rbacRef, other, rbacRef} {
		s := rbacSnap(t, map[string]string{"policy.csv": strings.Clone(data["policy.csv"])}, "")
		s.RBACCM.Ref = ref
		fs := run(t, "RBAC-007", s)
		if len(fs) == 0 {
			t.Fatalf("%s: no RBAC-007 finding for object \"/*\"", ref)
		}
		for _, f := range fs {
			if f.Location.Object != ref {
				t.Errorf("finding located in %s, want %s", f.Location.Object, ref)
			}
		}
	}
}

func TestCADataCacheKeepsErrorsAndCertificates(t *testing.T) {
	bad := caDataCache.get("not base64!", func() decodedCAData { return decodeCAData("not base64!") })
	if bad.err == nil {
		t.Fatal("undecodable caData cached without its error")
	}
	again := caDataCache.get(strings.Clone("not base64!"), func() decodedCAData { t.Error("parsed twice"); return decodedCAData{} })
	if again.err == nil || again.err.Error() != bad.err.Error() {
		t.Errorf("second lookup lost the error: %v", again.err)
	}
}

// TestStringCacheKeepsTheMostRecent: at most max values, the least recently
// used goes first, equal content hits whatever string holds it, and a
// panicking parse leaves the cache usable.
func TestStringCacheKeepsTheMostRecent(t *testing.T) {
	c := stringCache[int]{max: 2}
	parses := 0
	get := func(s string) int {
		return c.get(strings.Clone(s), func() int { parses++; return len(s) })
	}
	get("a")
	get("bb")
	get("a") // a is now the most recent; bb goes next
	get("ccc")
	if parses != 3 {
		t.Fatalf("%d parses, want 3 (a hit by content)", parses)
	}
	if get("a"); parses != 3 {
		t.Fatal("the most recently used entry was evicted")
	}
	if get("bb"); parses != 4 {
		t.Fatal("the least recently used entry was kept beyond max")
	}
	func() {
		defer func() { _ = recover() }()
		c.get("boom", func() int { panic("parse failed") })
	}()
	if v := get("dddd"); v != 4 {
		t.Fatalf("after a panicking parse: got %d", v)
	}
}
