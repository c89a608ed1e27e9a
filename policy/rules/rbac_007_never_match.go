package rules

// RBAC-007 restricts p line patterns to ones that can match a request:
// an application object is always <project>/<name>, so `/*` or a bare name
// never matches; an invalid glob never matches; an invalid regex (regex
// mode) makes every request that reaches it fail.

import (
	"fmt"
	"strings"

	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
)

var ruleRBAC007 = policy.Rule{
	ID: "RBAC-007", Title: "Pattern that can never match",
	Severity: policy.SeverityHigh, Category: "rbac", Action: policy.ActionDeny,
	Doc: "Argo CD passes applications, applicationsets, logs and exec objects as <project>/<name> (or " +
		"<project>/<namespace>/<name>). A pattern starting with / (an empty project) or a name without / " +
		"never matches, so the line grants nothing: write */* or <project>/*. A glob that does not compile " +
		"never matches; one with unbalanced { } is read loosely by Argo CD v3.5 (and can fail whole requests) " +
		"and refused by v3.6. In regex mode a pattern that does not compile panics inside casbin and makes every " +
		"request of that subject that reaches the line fail, whatever else is granted." +
		" Source: Argo CD: util/security/rbac.go (RBACName builds <project>/<name>), util/glob/glob.go.",
	Check: checkRBACNeverMatch,
}

func checkRBACNeverMatch(s *policy.Snapshot) []policy.Finding {
	in, ok := loadRBAC(s)
	if !ok {
		return nil
	}
	regex := in.pol.Regex()
	var out []policy.Finding
	for _, l := range in.pLines() {
		if f, bad := patternProblem(l, regex); bad {
			f.Location = in.atLine(l)
			out = append(out, f)
		}
	}
	return out
}

func patternProblem(l *rbac.Line, regex bool) (policy.Finding, bool) {
	for _, fld := range []struct{ name, value string }{{"resource", l.Resource()}, {"action", l.Action()}, {"object", l.Object()}} {
		if err := rbac.PatternError(fld.value, regex); err != nil {
			if regex {
				return policy.Finding{
					Message: fmt.Sprintf("%s %s is not a valid regex: requests reaching it fail", fld.name, quoteField(fld.value)),
					Detail:  "casbin panics on it, so every request of this subject that gets this far is denied, even ones other lines allow: " + err.Error(),
					Fix:     "fix the regular expression (escape special characters, anchor with ^...$)",
				}, true
			}
			return policy.Finding{
				Message: fmt.Sprintf("%s %s is not a valid glob: the line never matches", fld.name, quoteField(fld.value)),
				Detail:  err.Error(),
				Fix:     "close the [ ] or { } group, or escape the character with \\",
			}, true
		}
	}
	if !regex {
		for _, fld := range []struct{ name, value string }{{"resource", l.Resource()}, {"action", l.Action()}, {"object", l.Object()}} {
			if !bracesBalanced(fld.value) {
				return policy.Finding{
					Message: fmt.Sprintf("%s %s has unbalanced { }: it cannot be relied on to match", fld.name, quoteField(fld.value)),
					Detail: "gobwas/glob v0.2.3 (Argo CD up to v3.5) reads it loosely and can even fail whole requests; " +
						"v1.0.0 (Argo CD v3.6) refuses it, so the line never matches",
					Fix: "close the { } group (and quote the field: \"{a,b}\"), or escape the brace with \\",
				}, true
			}
		}
	}
	if regex || !rbac.AppObjectResources[l.Resource()] {
		return policy.Finding{}, false
	}
	obj := l.Object()
	switch {
	case strings.HasPrefix(obj, "/"):
		return policy.Finding{
			Message: fmt.Sprintf("object %s never matches an application (<project>/<app>); */* was meant?", quoteField(obj)),
			Detail:  "the object starts with an empty project name, which no " + l.Resource() + " request has; the line grants nothing",
			Fix:     "write */* for every project, or <project>/* for one",
		}, true
	case !strings.ContainsAny(obj, "/*?[{\\"):
		return policy.Finding{
			Message: fmt.Sprintf("object %s has no project: it never matches <project>/<app>", quoteField(obj)),
			Detail:  l.Resource() + " objects are always <project>/<name>; the line grants nothing",
			Fix:     fmt.Sprintf("write <project>/%s, or */%s for any project", obj, obj),
		}, true
	}
	return policy.Finding{}, false
}

// bracesBalanced reports whether every unescaped { outside a [...] class
// is closed, and no } comes without a {.
func bracesBalanced(p string) bool {
	depth := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			if j := strings.IndexByte(p[i:], ']'); j > 0 {
				i += j
			}
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}
