package settings

import (
	"fmt"
	"reflect"
	"testing"
)

const groupsYAML = `
identity:
  provider: aws-iam-identity-center
  groups:
  - {id: 11111111-1111-1111-1111-111111111111, name: platform}
  - {id: 22222222-2222-2222-2222-222222222222, name: developers}
  - {id: 33333333-3333-3333-3333-333333333333, name: developers}
  - {id: 44444444-4444-4444-4444-444444444444}
`

func TestGroupLookups(t *testing.T) {
	s, err := Parse([]byte(groupsYAML))
	if err != nil {
		t.Fatal(err)
	}
	byHand := &Settings{Identity: s.Identity} // no index: lookups scan
	for _, set := range []*Settings{s, byHand} {
		if g, ok := set.GroupByID("22222222-2222-2222-2222-222222222222"); !ok || g.Name != "developers" {
			t.Errorf("GroupByID: %+v %v", g, ok)
		}
		// Two groups with one name: the first listed, as a scan finds it.
		if g, ok := set.GroupByName("developers"); !ok || g.ID != "22222222-2222-2222-2222-222222222222" {
			t.Errorf("GroupByName(developers): %+v %v", g, ok)
		}
		if g, ok := set.GroupByName(""); ok {
			t.Errorf("a group without a name is found by the empty name: %+v", g)
		}
		if _, ok := set.GroupByID("platform"); ok {
			t.Error("a name is found as an ID")
		}
		if _, ok := set.GroupByName("ops"); ok {
			t.Error("an unknown name is found")
		}
	}
}

// A copy of parsed settings with other groups must not answer from the
// original's index.
func TestGroupLookupsAfterGroupsChange(t *testing.T) {
	s, err := Parse([]byte(groupsYAML))
	if err != nil {
		t.Fatal(err)
	}
	c := *s
	c.Identity.Groups = append(append([]Group(nil), s.Identity.Groups...), Group{ID: "55555555-5555-5555-5555-555555555555", Name: "ops"})
	if g, ok := c.GroupByName("ops"); !ok || g.ID != "55555555-5555-5555-5555-555555555555" {
		t.Errorf("appended group not found: %+v %v", g, ok)
	}
	c.Identity.Groups = []Group{{ID: "66666666-6666-6666-6666-666666666666", Name: "platform"}}
	if g, ok := c.GroupByName("platform"); !ok || g.ID != "66666666-6666-6666-6666-666666666666" {
		t.Errorf("replaced groups: found %+v %v", g, ok)
	}
	if _, ok := c.GroupByID("11111111-1111-1111-1111-111111111111"); ok {
		t.Error("a group of the replaced list is still found")
	}
	c.IndexGroups()
	if g, ok := c.GroupByName("platform"); !ok || g.ID != "66666666-6666-6666-6666-666666666666" {
		t.Errorf("after IndexGroups: %+v %v", g, ok)
	}
	if _, ok := s.GroupByID("66666666-6666-6666-6666-666666666666"); ok {
		t.Error("the original settings see the copy's group")
	}
}

// The webhook reloads the settings file only when reflect.DeepEqual says it
// changed: the index must not make two parses of one file differ.
func TestParseTwiceIsDeepEqual(t *testing.T) {
	a, err := Parse([]byte(groupsYAML))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(groupsYAML))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two parses of the same settings differ")
	}
	c, err := Parse([]byte(groupsYAML + "  - {id: 77777777-7777-7777-7777-777777777777, name: new}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Error("settings with another group compare equal")
	}
	if !reflect.DeepEqual(Default(), Default()) {
		t.Error("Default() differs from itself")
	}
}

func BenchmarkGroupByID(b *testing.B) {
	s := Default()
	for i := range 2000 {
		s.Identity.Groups = append(s.Identity.Groups, Group{ID: fmt.Sprintf("%08d-0000-0000-0000-000000000000", i), Name: fmt.Sprint("team-", i)})
	}
	s.IndexGroups()
	for b.Loop() {
		if _, ok := s.GroupByID("00001999-0000-0000-0000-000000000000"); !ok {
			b.Fatal("not found")
		}
	}
}
