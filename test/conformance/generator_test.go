package conformance

import (
	"reflect"
	"testing"
)

// The generator must be deterministic (a failure names a case that can be
// regenerated) and must actually produce both verdicts in every theme.
func TestGeneratorDeterministic(t *testing.T) {
	a, b := Generate(7, 50, 5), Generate(7, 50, 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Generate(7, 50, 5) differs between two calls")
	}
	if reflect.DeepEqual(a, Generate(8, 50, 5)) {
		t.Fatal("seeds 7 and 8 generate the same cases")
	}
}

func TestGeneratorCoversValidAndInvalid(t *testing.T) {
	valid, invalid := map[string]int{}, map[string]int{}
	for _, c := range Generate(*conformanceSeed, len(themes)*40, 1) {
		theme := c.Name[:len(c.Name)-5]
		if ArgoValidate(c.Data) == nil {
			valid[theme]++
		} else {
			invalid[theme]++
		}
	}
	for _, th := range themes {
		if valid[th] == 0 {
			t.Errorf("theme %s: no policy Argo CD accepts", th)
		}
	}
	if invalid["invalid"] == 0 {
		t.Error("theme invalid: no policy Argo CD refuses")
	}
	t.Logf("valid per theme %v; invalid per theme %v", valid, invalid)
}

// Every theme's queries must reach both answers, or the corpus would
// compare little more than "no" with "no".
func TestCorpusProbesBothAnswers(t *testing.T) {
	cases, answers := corpus()
	allowed, denied := map[string]int{}, map[string]int{}
	for i, c := range cases {
		theme := c.Name[:len(c.Name)-5]
		for _, ok := range answers[i].decisions {
			if ok {
				allowed[theme]++
			} else {
				denied[theme]++
			}
		}
	}
	for _, th := range themes {
		if allowed[th] == 0 || denied[th] == 0 {
			t.Errorf("theme %s: Argo CD allowed %d and denied %d of its queries; both must be reached", th, allowed[th], denied[th])
		}
	}
	t.Logf("allowed per theme %v; denied per theme %v", allowed, denied)
}
