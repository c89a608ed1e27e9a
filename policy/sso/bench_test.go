package sso

import (
	"strings"
	"testing"
)

func BenchmarkParseDexGuide(b *testing.B) {
	for b.Loop() {
		if _, err := ParseDex(guideDex); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDexAliasBomb: a hostile value is refused within the node
// budget, not expanded.
func BenchmarkParseDexAliasBomb(b *testing.B) {
	in := billionLaughs()
	for b.Loop() {
		if _, err := ParseDex(in); err == nil || !strings.Contains(err.Error(), "aliases expand") {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseWorkflowsGuide(b *testing.B) {
	data := map[string]string{"sso": guideSSO}
	for b.Loop() {
		ParseWorkflows(data)
	}
}
