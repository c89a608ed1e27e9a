package rules

// WFSA-011 and WFSA-012 report the rbac-rule ServiceAccounts of namespaces
// argo-server delegates to (settings workflows.namespaceDelegation, for
// argo-server's SSO_DELEGATE_RBAC_TO_NAMESPACE=true). The analysis is
// wfrbac.AnalyzeDelegated, which mirrors Argo Workflows'
// server/auth/gatekeeper.go rbacAuthorization: the request namespace's
// choice (getServiceAccount) is made after the login account's, its error
// is only logged, and its account replaces the login account only with a
// strictly higher precedence. Neither refuses a login that would succeed
// without the delegated namespace, so both are warnings; the other WFSA
// checks that apply within one namespace (WFSA-002 to WFSA-006, WFSA-009)
// judge these accounts too.

import (
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/wfrbac"
)

var ruleWFSA011 = policy.Rule{
	ID: "WFSA-011", Title: "rbac-rule in a delegated namespace does not compile or does not return a boolean",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "With SSO namespace delegation argo-server also evaluates the rbac-rules of the request's namespace, " +
		"after choosing the login account in its own namespace. There an error (a rule that does not compile, " +
		"an empty one included, or does not return a boolean) is only logged: the login account is kept, so no " +
		"login is refused that would succeed without this namespace, which is why this is a warning and not " +
		"WFSA-001's deny. The account, and every account of the namespace below it, is never chosen for the " +
		"users who reach it." +
		" Source: Argo Workflows: server/auth/gatekeeper.go (rbacAuthorization, getServiceAccount), util/expr/argoexpr/eval.go (EvalBool).",
	Check: wfsaCheck(wfrbac.CheckDelegatedFails),
}

var ruleWFSA012 = policy.Rule{
	ID: "WFSA-012", Title: "Delegated rbac-rule account never chosen over the login account",
	Severity: policy.SeverityMedium, Category: "serviceaccount", Action: policy.ActionWarn,
	Doc: "With SSO namespace delegation (v3) argo-server takes an account of the request's namespace only when " +
		"its precedence is strictly higher than that of the account chosen in argo-server's own namespace, and " +
		"only when one was chosen there: a user matching no account of argo-server's namespace is refused " +
		"before the request's namespace is looked at (v4.0.5 and later fall through to it instead). For each " +
		"group of the settings the rule admits, the finding says where that group lands instead. Raise the " +
		"precedence above the server namespace's accounts those users match (a catch-all there included). " +
		"Runs when the settings list the known groups; a warning, the users may be meant to get the other account." +
		" Source: Argo Workflows: server/auth/gatekeeper.go (rbacAuthorization, precedence).",
	Check: wfsaCheck(wfrbac.CheckNotAbove),
}
