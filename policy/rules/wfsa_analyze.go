package rules

// WFSA-001 to WFSA-007 and WFSA-009 report the rbac-rule ServiceAccounts
// that make argo-server's SSO login fail or choose surprisingly. The
// analysis is wfrbac.Analyze, which mirrors server/auth/gatekeeper.go
// (getServiceAccount: precedence order by sort.Slice, first true rule wins,
// first error ends the search) and util/expr/argoexpr/eval.go (EvalBool) of
// Argo Workflows v3; each rule here reports one kind of its problems. While
// the namespace's sso config leaves rbac.enabled off, argo-server does not
// read the annotations, and the deny findings are warnings.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

var ruleWFSA001 = policy.Rule{
	ID: "WFSA-001", Title: "rbac-rule does not compile or does not return a boolean",
	Severity: policy.SeverityCritical, Category: "serviceaccount", Action: policy.ActionDeny,
	Doc: "argo-server evaluates each ServiceAccount's workflows.argoproj.io/rbac-rule with expr-lang and a type " +
		"assertion to bool. A rule that does not compile (an empty one included) or returns something else " +
		"ends the search with an error: every user who reaches the account in precedence order is refused, " +
		"and lower accounts are never tried. A warning while the namespace's sso config leaves rbac.enabled off." +
		" Source: Argo Workflows: server/auth/gatekeeper.go (getServiceAccount), util/expr/argoexpr/eval.go (EvalBool).",
	Check: wfsaCheck(wfrbac.CheckCompile, wfrbac.CheckNotBoolean),
}

var ruleWFSA002 = policy.Rule{
	ID: "WFSA-002", Title: "rbac-rule tests a group display name where the provider sends IDs",
	Severity: policy.SeverityHigh, Category: "serviceaccount", Action: policy.ActionDeny,
	Doc: "The groups claim argo-server re-issues holds what the identity provider sent: group IDs for AWS IAM " +
		"Identity Center. A rule testing a group's display name ('argocd-admins' in groups) is never true, so " +
		"the account is never chosen (the guide's mistake, made in Argo Workflows). The finding names the ID. A warning while the namespace's sso config leaves rbac.enabled off. " +
		"Also a deny on an account of a namespace argo-server delegates to (settings workflows.namespaceDelegation): " +
		"there the users fall back to the account of argo-server's namespace instead of being refused, but the test " +
		"is as surely dead (the settings map the name to the ID it should be), the account it was written for is " +
		"never chosen for them, and the fix is the same one-word change; a deny says so before the team relies on it." +
		" Source: Argo Workflows: server/auth/sso/sso.go (groups claim copied), server/auth/gatekeeper.go (exact comparison in the rule).",
	Check: wfsaCheck(wfrbac.CheckDisplayName),
}

var ruleWFSA003 = policy.Rule{
	ID: "WFSA-003", Title: "rbac-rule tests a group the identity provider does not know",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "Runs when the settings list the known groups. A group literal none of them has is never in the groups " +
		"claim; fix the ID or add the group to the settings.",
	Check: wfsaCheck(wfrbac.CheckUnknownGroup),
}

var ruleWFSA004 = policy.Rule{
	ID: "WFSA-004", Title: "Two rbac-rule accounts with the same precedence can both answer",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "argo-server sorts the accounts by rbac-rule-precedence with sort.Slice over an unordered list: for " +
		"equal precedences the order changes from request to request. When a user matches both rules (or one " +
		"matches and the other fails) the account, or the login's success, is chosen at random. Give them " +
		"different precedences.",
	Check: wfsaCheck(wfrbac.CheckTie),
}

var ruleWFSA005 = policy.Rule{
	ID: "WFSA-005", Title: "Catch-all rbac-rule above other accounts",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "A rule true for every user (true) wins for everyone: accounts with a lower precedence are never " +
		"chosen. Give the catch-all the lowest precedence.",
	Check: wfsaCheck(wfrbac.CheckCatchAll),
}

var ruleWFSA006 = policy.Rule{
	ID: "WFSA-006", Title: "rbac-rule that fails for some users blocks lower accounts",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "argo-server drops empty claims, so 'x' in groups fails (unknown name groups) for a user without " +
		"groups, and the first failing rule refuses the login: lower-precedence accounts, a catch-all included, " +
		"are never tried for that user. Write 'x' in get($env, 'groups') (or test the claim first), or give the " +
		"account the lowest precedence.",
	Check: wfsaCheck(wfrbac.CheckFailsForSome),
}

var ruleWFSA007 = policy.Rule{
	ID: "WFSA-007", Title: "rbac-rule on argo-server's own ServiceAccount",
	Severity: policy.SeverityCritical, Category: "serviceaccount", Action: policy.ActionDeny,
	Doc: "argo-server acts with the token of the account a user's rule selects. A rule on argo-server's own " +
		"ServiceAccount gives the users it matches the server's cluster-wide rights. The account is named by " +
		"the settings, else argo-server or argo-workflows-server (the install manifests and the Helm chart). " +
		"Put the rule on an account of its own with the rights those users need. A warning while the namespace's sso config leaves rbac.enabled off." +
		" Source: Argo Workflows: server/auth/gatekeeper.go (rbacAuthorization, authorizationForServiceAccount).",
	Check: wfsaCheck(wfrbac.CheckServerAccount),
}

var ruleWFSA009 = policy.Rule{
	ID: "WFSA-009", Title: "rbac-rule-precedence is not a plain integer",
	Severity: policy.SeverityLow, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "argo-server reads the precedence with strconv.Atoi and ignores the error: \" 7\", \"2.5\" or \"high\" " +
		"read as 0 and an out-of-range value clamps. Write a plain decimal integer.",
	Check: wfsaCheck(wfrbac.CheckPrecedence),
}

// wfsaCheck reports the snapshot's wfrbac problems of the given kinds,
// each on its account's annotation.
func wfsaCheck(kinds ...wfrbac.Check) policy.CheckFunc {
	return func(s *policy.Snapshot) []policy.Finding {
		objs := map[string]*policy.Object{}
		for _, a := range s.WorkflowAccounts() {
			objs[a.Account.Key()] = a.Obj
		}
		var out []policy.Finding
		for _, p := range s.WorkflowAccountProblems() {
			obj := objs[p.Account]
			if obj == nil || !wfsaKind(p.Check, kinds) {
				continue
			}
			f := policy.Finding{Location: atField(obj, p.Field), Message: p.Reason}
			if rbacOff(s, serverNamespace(s, obj.Ref.Namespace)) {
				f.Action = policy.ActionWarn
				f.Detail = "argo-server reads rbac-rule annotations only once sso.rbac.enabled is true; this breaks logins then"
			}
			out = append(out, f)
		}
		return out
	}
}

func wfsaKind(k wfrbac.Check, kinds []wfrbac.Check) bool {
	for _, x := range kinds {
		if k == x {
			return true
		}
	}
	return false
}

// serverNamespace is the namespace of the argo-server that may choose an
// account of ns: the Workflows namespace's argo-server, which delegates to
// ns, when the settings say so.
func serverNamespace(s *policy.Snapshot, ns string) string {
	if s.Settings != nil && s.Settings.DelegatesToNamespaces() {
		return s.Settings.Workflows.Namespace
	}
	return ns
}

// rbacOff reports whether the snapshot's workflow-controller-configmap of
// namespace ns has an sso config without rbac.enabled: argo-server then
// never reads the annotations, so what would break logins is a warning.
// Without that ConfigMap the accounts are judged as if rbac were enabled.
func rbacOff(s *policy.Snapshot, ns string) bool {
	w := s.Workflows()
	return w != nil && w.Present && s.WorkflowsCM.Ref.Namespace == ns && !w.RBAC()
}
