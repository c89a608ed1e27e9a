package rules

// Shared by the RBAC rules that report one finding per problem rather than
// one per line (RBAC-010, RBAC-014): a policy that repeats a pattern on 13
// lines is one thing for a reviewer to fix, so it is one finding that lists
// the lines.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

// lineNote is one line of a grouped finding and what to say about it.
type lineNote struct {
	line *rbac.Line
	note string
}

// maxListed bounds the lines a grouped finding's detail spells out.
const maxListed = 40

// grouped folds notes (in load order, at least one) into one finding at the
// first line. msg is the message when there are several lines; the
// caller builds it with linesText. A single line keeps its own message.
func (in *rbacInput) grouped(notes []lineNote, single policy.Finding, msg, fix string) policy.Finding {
	if len(notes) == 1 {
		single.Location = in.atLine(notes[0].line)
		return single
	}
	parts := make([]string, 0, min(len(notes), maxListed))
	for i, n := range notes {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(notes)-maxListed))
			break
		}
		parts = append(parts, n.line.Where()+": "+n.note)
	}
	return policy.Finding{
		Location: in.atLine(notes[0].line),
		Message:  msg,
		Detail:   strings.Join(parts, "; "),
		Fix:      fix,
	}
}

// linesText names the lines of notes compactly: "lines 1-5, 9" when they
// are in one key, else "7 lines in 2 keys".
func linesText(notes []lineNote) string {
	keys := map[string]bool{}
	var nums []int
	for _, n := range notes {
		keys[n.line.Key] = true
		nums = append(nums, n.line.Line)
	}
	if len(keys) > 1 {
		return fmt.Sprintf("%d lines in %d keys", len(notes), len(keys))
	}
	sort.Ints(nums)
	var b strings.Builder
	b.WriteString("lines ")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(nums[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(nums[j]))
		}
		if b.Len() > 40 && j+1 < len(nums) {
			fmt.Fprintf(&b, " and %d more", len(nums)-j-1)
			break
		}
		i = j + 1
	}
	return b.String()
}
