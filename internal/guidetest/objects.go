package guidetest

// The AppProject and ServiceAccount sections of expected-findings.md, which
// the rule tests and the CLI tests both compare with.

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
)

// ExpectedObjectFinding is one bullet of expected-findings.md under a
// "## <Kind> <namespace>/<name>: <verdict>" heading.
type ExpectedObjectFinding struct {
	Object      string // "AppProject argocd/team-a"
	ID, Path    string
	ClusterOnly bool
}

var (
	objectHeading = regexp.MustCompile(`^## (AppProject|ServiceAccount) ([^/\s]+)/(\S+): (.*)$`)
	objectBullet  = regexp.MustCompile("^- ((?:PROJ|WFSA)-[0-9]{3})( \\(cluster only\\))? on `([^`]+)`")
)

// ParseExpectedObjects reads the AppProject and ServiceAccount sections of
// expected-findings.md: the findings of each object and whether it is denied.
func ParseExpectedObjects(text string) (findings []ExpectedObjectFinding, denied map[string]bool, err error) {
	denied = map[string]bool{}
	object := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			object = ""
			if m := objectHeading.FindStringSubmatch(line); m != nil {
				object = m[1] + " " + m[2] + "/" + m[3]
				denied[object] = strings.HasPrefix(m[4], "denied")
			}
			continue
		}
		if object == "" || !strings.HasPrefix(line, "- ") {
			continue
		}
		m := objectBullet.FindStringSubmatch(line)
		if m == nil {
			return nil, nil, fmt.Errorf("line %d: a bullet under %s must read \"- <RULE> [(cluster only)] on `<field>`\": %q", n, object, line)
		}
		findings = append(findings, ExpectedObjectFinding{Object: object, ID: m[1], ClusterOnly: m[2] != "", Path: m[3]})
	}
	return findings, denied, sc.Err()
}
