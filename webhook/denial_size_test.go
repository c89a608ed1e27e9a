package webhook

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/argoguard/argoguard/policy"
)

// badPolicy is a policy.csv of about size bytes whose every row is a deny
// finding (RBAC-007: /* never matches a project-scoped application).
func badPolicy(size int) (string, int) {
	var b strings.Builder
	rows := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "p, role:team-%05d, applications, get, /*, allow\n", rows)
		rows++
	}
	return b.String(), rows
}

// TestDenialOfAHugeBadPolicyIsBounded: a 588 KB policy with one bad line
// per row is refused with a denial under 64 KiB that still counts every
// problem and says how many it does not list.
func TestDenialOfAHugeBadPolicyIsBounded(t *testing.T) {
	csv, rows := badPolicy(588 << 10 / 1000 * 1000) // 588 KB
	rbac := guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")
	rbac.Data["policy.csv"] = csv
	h := validator(guideSettings(t), guideCluster(t, "fixed"))
	resp := post(t, h, reviewJSON(t, reviewOpts{op: admissionv1.Update, object: rbac, old: guideConfigMap(t, "fixed", "argocd-rbac-cm.yaml")}))
	if resp.Allowed || resp.Result == nil {
		t.Fatal("a policy of bad lines was allowed")
	}
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) >= 64<<10 {
		t.Fatalf("the admission response is %d bytes, want under 64 KiB", len(raw))
	}
	msg := resp.Result.Message
	if !strings.Contains(msg, fmt.Sprintf("is refused: %d problem(s)", rows)) {
		t.Errorf("the denial does not count all %d problems: %.200s", rows, msg)
	}
	m := regexp.MustCompile(`\n- \.\.\. and (\d+) more; run .argoguard check. for all$`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("the denial does not end with how many more there are: ...%s", msg[len(msg)-200:])
	}
	more, _ := strconv.Atoi(m[1])
	listed := strings.Count(msg, "\n- RBAC-007 ")
	if listed == 0 || listed+more != rows {
		t.Errorf("listed %d + %d more != %d rows", listed, more, rows)
	}
	if causes := resp.Result.Details.Causes; len(causes) != listed+1 || causes[0].Field != "data[policy.csv]" || !strings.Contains(causes[0].Message, "line 1") {
		t.Errorf("%d causes (first %+v), want one per listed finding and one for the rest", len(causes), causes[0])
	}
}

// TestDenialBoundHoldsForEscapedText: findings whose texts JSON escapes six
// times over still give a denial under 64 KiB.
func TestDenialBoundHoldsForEscapedText(t *testing.T) {
	ref := policy.ObjectRef{Kind: "ConfigMap", Namespace: "argocd", Name: "argocd-rbac-cm"}
	f := policy.Finding{RuleID: "RBAC-007", Severity: policy.SeverityHigh, Action: policy.ActionDeny,
		Location: policy.Location{Object: ref, Key: "policy.csv", Line: 1},
		Message:  strings.Repeat("<&\x01", 300), Detail: strings.Repeat(">", 1000), Fix: strings.Repeat("\u2028", 300)}
	denying := make([]policy.Finding, 5000)
	for i := range denying {
		denying[i] = f
	}
	raw, err := json.Marshal(DenialStatus(ref, denying))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) >= 64<<10 {
		t.Fatalf("denial status is %d bytes", len(raw))
	}
	if few := DenialStatus(ref, denying[:2]); strings.Contains(few.Message, "more") || len(few.Details.Causes) != 2 {
		t.Errorf("two findings are not listed whole: %d causes", len(few.Details.Causes))
	}
}

func TestJSONLen(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<a href='x'>&</a>", "tab\tnl\ncr\r\x00\x1f", "é✓\u2028\u2029", "bad \xff\xfe utf8"} {
		raw, _ := json.Marshal(s)
		if got, want := jsonLen(s), len(raw)-2; got < want {
			t.Errorf("jsonLen(%q) = %d, JSON writes %d", s, got, want)
		}
	}
}
