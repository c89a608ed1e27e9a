package e2e

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// expectedFinding is one bullet of test/testdata/guide/expected-findings.md.
type expectedFinding struct {
	ID    string
	Audit bool // marked "(audit)": a finding for reports, not printed by kubectl in enforce mode
	// Key and Lines when the bullet says "on `policy.csv` lines 1, 4 and 5".
	Key   string
	Lines []int
}

var keyLines = regexp.MustCompile("on `([^`]+)` lines? ([0-9]+(?:(?:, | and )[0-9]+)*)")

// expectedFindings reads expected-findings.md: for each "## <object>: ..."
// section of the as-written configuration, the rule IDs of its bullets,
// and whether the section says the object is denied. The e2e tests take
// their expectations from the same file the CLI's tests do.
func expectedFindings(t *testing.T) (byObject map[string][]expectedFinding, denied map[string]bool) {
	t.Helper()
	f, err := os.Open(guide("expected-findings.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byObject, denied = map[string][]expectedFinding{}, map[string]bool{}
	object := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "## "); ok {
			object = ""
			name, verdict, ok := strings.Cut(rest, ":")
			if ok && !strings.Contains(name, " ") { // "## The fixed configuration ..." is no object
				object = name
				denied[object] = strings.Contains(verdict, "denied")
			}
			continue
		}
		if object == "" || !strings.HasPrefix(line, "- ") {
			continue
		}
		id := ruleIDPattern.FindString(line)
		if id == "" || strings.Index(line, id) > 3 { // the bullet's own ID opens it
			continue
		}
		f := expectedFinding{ID: id, Audit: strings.Contains(line, "(audit)")}
		if m := keyLines.FindStringSubmatch(line); m != nil {
			f.Key = m[1]
			for _, n := range regexp.MustCompile(`[0-9]+`).FindAllString(m[2], -1) {
				v, _ := strconv.Atoi(n)
				f.Lines = append(f.Lines, v)
			}
		}
		byObject[object] = append(byObject[object], f)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"argocd-cm", "argocd-rbac-cm", "workflow-controller-configmap"} {
		if len(byObject[name]) == 0 {
			t.Fatalf("expected-findings.md lists no findings for %s; its format changed?", name)
		}
	}
	return byObject, denied
}

// ruleInfo is what docs/rules.md says about one rule.
type ruleInfo struct {
	Action      string // deny, warn or audit (the default)
	ClusterOnly bool   // needs the referenced Secrets ("(cluster only)")
}

// ruleCatalogue reads the rule tables of docs/rules.md
// (| ID | sev | action | finding |).
func ruleCatalogue(t *testing.T) map[string]ruleInfo {
	t.Helper()
	data, err := os.ReadFile(repoRoot + "/docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]ruleInfo{}
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		id := strings.TrimSpace(cells[1])
		if !ruleIDPattern.MatchString(id) || ruleIDPattern.FindString(id) != id {
			continue
		}
		rules[id] = ruleInfo{
			Action:      strings.TrimSpace(cells[3]),
			ClusterOnly: strings.Contains(line, "(cluster only)"),
		}
	}
	if len(rules) < 20 {
		t.Fatalf("docs/rules.md: read only %d rules; its table format changed?", len(rules))
	}
	return rules
}

// visible filters expected findings to those kubectl prints: in enforce
// mode the deny and warn findings (audit-action ones go to reports), in
// audit mode every finding; cluster-only rules only when argoguard reads
// Secrets.
func visible(t *testing.T, findings []expectedFinding, auditMode, secretsKnown bool) []string {
	t.Helper()
	catalogue := ruleCatalogue(t)
	var ids []string
	for _, f := range findings {
		info, ok := catalogue[f.ID]
		if !ok {
			t.Fatalf("expected-findings.md names %s, which docs/rules.md does not define", f.ID)
		}
		if info.ClusterOnly && !secretsKnown {
			continue
		}
		if !auditMode && (f.Audit || info.Action == "audit") {
			continue
		}
		ids = append(ids, f.ID)
	}
	return ids
}

// denyIDs keeps the IDs whose default action is deny.
func denyIDs(t *testing.T, ids []string) []string {
	t.Helper()
	catalogue := ruleCatalogue(t)
	var out []string
	for _, id := range ids {
		if catalogue[id].Action == "deny" {
			out = append(out, id)
		}
	}
	return out
}
