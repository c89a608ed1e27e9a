package wfrbac

import (
	"reflect"
	"testing"
)

func TestGroupLiterals(t *testing.T) {
	for rule, want := range map[string][]string{
		"'admins' in groups":                             {"admins"},
		"'a' in groups || 'b' in groups && email == 'c'": {"a", "b"},
		"'a' not in groups":                              {"a"},
		"'a' in $env.groups":                             {"a"},
		"'a' in $env['groups']":                          {"a"},
		"'a' in get($env, 'groups')":                     {"a"},
		"get($env, 'email') == 'a'":                      nil,
		"groups[0] == 'first'":                           {"first"},
		"'x' == groups[1]":                               {"x"},
		"any(groups, # == 'p')":                          {"p"},
		"any(groups, 'q' == # || # startsWith 'r')":      {"q"},
		"any(['m', 'n'], # in groups)":                   {"m", "n"},
		"email == 'admins'":                              nil,
		"'admins' in ['admins']":                         nil,
		"'a in groups'":                                  nil,
		"nope(":                                          nil,
		"'dup' in groups || 'dup' in groups":             {"dup"},
	} {
		var got []string
		for _, g := range GroupLiterals(rule) {
			got = append(got, g.Value)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("GroupLiterals(%q) = %q, want %q", rule, got, want)
		}
	}
}
