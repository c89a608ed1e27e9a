// Package realworld checks argoguard on small configurations that reproduce
// patterns seen in public Argo CD and Argo Workflows setups (README.md).
// Each case runs through the same path as `argoguard check` (manifest.Load,
// Snapshot, rules.Evaluate) and fails on any deny it does not expect and on
// any expected finding that is missing.
package realworld

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
)

var runPending = flag.Bool("pending", false, "run the cases marked pending instead of skipping them")

// now is a fixed day inside the validity of the fixtures' IdP certificate.
var now = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)

// minCases keeps the suite from shrinking unnoticed.
const minCases = 90

// realCase is one fixture folder; its case.yaml fills the exported fields.
type realCase struct {
	Pattern   string `yaml:"pattern"`
	DecidedBy string `yaml:"decidedBy"`
	Source    string `yaml:"source"`
	// Settings is an argoguard settings file in the case folder.
	Settings string     `yaml:"settings"`
	Expect   []expected `yaml:"expect"`
	// AlsoDeny: rules whose deny is tolerated, not required (the
	// configuration is broken anyway and another rule may name it too).
	AlsoDeny []string `yaml:"alsoDeny"`
	// Absent: rules that must not be reported at all (a false warning).
	Absent []string `yaml:"absent"`
	// Pending names the change the expectations wait for (a rule not written yet).
	Pending string `yaml:"pending"`

	name, dir string
}

type expected struct {
	Rule   string        `yaml:"rule"`
	Action policy.Action `yaml:"action"`
	// Count, when set, is the exact number of such findings.
	Count int `yaml:"count"`
}

func (e expected) key() expected { return expected{Rule: e.Rule, Action: e.Action} }

func (e expected) String() string {
	if e.Count > 0 {
		return fmt.Sprintf("%s %s x%d", e.Rule, e.Action, e.Count)
	}
	return e.Rule + " " + string(e.Action)
}

// outcome compares what argoguard found with what the case expects.
type outcome struct {
	findings []policy.Finding
	wrong    []policy.Finding // a deny the case does not list, or a finding of an absent rule
	missing  []expected       // expected but not reported (or not as often as counted)
	extra    []policy.Finding // warnings and audits the case does not list (allowed)
}

func (o outcome) ok() bool { return len(o.wrong) == 0 && len(o.missing) == 0 }

func loadCases(t *testing.T) []*realCase {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var out []*realCase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c := &realCase{name: e.Name(), dir: filepath.Join("testdata", e.Name())}
		data, err := os.ReadFile(filepath.Join(c.dir, "case.yaml"))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			t.Fatalf("%s/case.yaml: %v", c.name, err)
		}
		out = append(out, c)
	}
	return out
}

// manifests lists what a user would pass to `argoguard check`: every YAML
// file of the folder but case.yaml and the settings file.
func (c *realCase) manifests() ([]string, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".yaml") && n != "case.yaml" && n != c.Settings {
			out = append(out, filepath.Join(c.dir, n))
		}
	}
	return out, nil
}

// run checks the case the way `argoguard check` does.
func (c *realCase) run() (outcome, error) {
	set := settings.Default()
	if c.Settings != "" {
		var err error
		if set, err = settingsfile.Load(filepath.Join(c.dir, c.Settings), nil); err != nil {
			return outcome{}, err
		}
	}
	files, err := c.manifests()
	if err != nil {
		return outcome{}, err
	}
	ms, err := manifest.Load(set, nil, files...)
	if err != nil {
		return outcome{}, err
	}
	if ms.Empty() {
		return outcome{}, fmt.Errorf("nothing argoguard judges in %v", files)
	}
	findings, err := rules.MustNewRegistry().Evaluate(ms.Snapshot(set, now))
	if err != nil {
		return outcome{}, err
	}
	o := outcome{findings: findings}
	wanted := map[expected]bool{}
	for _, e := range c.Expect {
		wanted[e.key()] = true
	}
	tolerated, absent := setOf(c.AlsoDeny), setOf(c.Absent)
	seen := map[expected]int{}
	for _, f := range findings {
		k := expected{Rule: f.RuleID, Action: f.Action}
		seen[k]++
		switch {
		case absent[f.RuleID]:
			o.wrong = append(o.wrong, f)
		case wanted[k]:
		case f.Action == policy.ActionDeny && set.Mode == settings.ModeEnforce && !tolerated[f.RuleID]:
			o.wrong = append(o.wrong, f)
		default:
			o.extra = append(o.extra, f)
		}
	}
	for _, e := range c.Expect {
		if n := seen[e.key()]; n == 0 || (e.Count > 0 && n != e.Count) {
			o.missing = append(o.missing, e)
		}
	}
	return o, nil
}

func (o outcome) report(name string) string {
	var b strings.Builder
	for _, f := range o.wrong {
		fmt.Fprintf(&b, "\n  %s: unexpected %s %s", name, f.Action, f.Short())
	}
	for _, e := range o.missing {
		fmt.Fprintf(&b, "\n  %s: expected %s, reported %d times", name, e, count(o.findings, e.Rule, e.Action))
	}
	b.WriteString("\n  all findings:")
	for _, f := range o.findings {
		fmt.Fprintf(&b, "\n    %s %s", f.Action, f.Short())
	}
	return b.String()
}

func setOf(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// count counts the findings of a rule ("" for any) with an action.
func count(fs []policy.Finding, rule string, action policy.Action) int {
	n := 0
	for _, f := range fs {
		if (rule == "" || f.RuleID == rule) && f.Action == action {
			n++
		}
	}
	return n
}

func TestRealWorld(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if c.Pending != "" && !*runPending {
				t.Skipf("pending: %s", c.Pending)
			}
			o, err := c.run()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !o.ok() {
				t.Errorf("%s (%s):%s", c.name, c.Pattern, o.report(c.name))
			}
			for _, f := range o.extra {
				t.Logf("also %s %s", f.Action, f.Short())
			}
		})
	}
}

// TestRealWorldCases checks the suite itself (enough cases, each described,
// each expectation a registered rule, no pending marker on a case that
// already passes) and logs, over every case, pending ones included: false
// denies, false warnings and missed findings.
func TestRealWorldCases(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < minCases {
		t.Errorf("%d fixtures, want at least %d", len(cases), minCases)
	}
	var falseDenies, denyCases, falseWarns, missed, missCases, pending int
	for _, c := range cases {
		if c.Pattern == "" || c.DecidedBy == "" || c.Source == "" {
			t.Errorf("%s: case.yaml needs pattern, decidedBy and source", c.name)
		}
		for _, e := range c.Expect {
			if _, ok := rules.MustNewRegistry().Rule(e.Rule); !e.Action.Valid() || (!ok && c.Pending == "") {
				t.Errorf("%s: expect %s: no such rule or action", c.name, e)
			}
		}
		o, err := c.run()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var what []string
		for _, f := range o.wrong {
			what = append(what, "false "+string(f.Action)+" "+f.RuleID)
		}
		for _, e := range o.missing {
			what = append(what, "missing "+e.String())
		}
		if n := count(o.wrong, "", policy.ActionDeny); n > 0 {
			falseDenies, denyCases = falseDenies+n, denyCases+1
		}
		falseWarns += len(o.wrong) - count(o.wrong, "", policy.ActionDeny)
		if len(o.missing) > 0 {
			missed, missCases = missed+len(o.missing), missCases+1
		}
		if c.Pending != "" {
			pending++
			if o.ok() {
				t.Errorf("%s: passes today; remove pending %q", c.name, c.Pending)
			}
		}
		if len(what) > 0 {
			t.Logf("%s: %s", c.name, strings.Join(what, ", "))
		}
	}
	t.Logf("%d fixtures (%d pending); false denies: %d in %d fixtures; false warnings: %d; "+
		"missed findings: %d in %d fixtures", len(cases), pending, falseDenies, denyCases, falseWarns, missed, missCases)
}
