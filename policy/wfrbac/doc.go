// Package wfrbac models how argo-server (Argo Workflows v3) picks the
// ServiceAccount a single-sign-on user acts as when `sso.rbac.enabled` is
// true, and finds the annotations that make that choice fail or surprise.
//
// The behaviour mirrored, from Argo Workflows v3.7.18:
//
//   - server/auth/gatekeeper.go, getServiceAccount: the ServiceAccounts of a
//     namespace that carry the rbac-rule annotation (present, even empty) are
//     sorted by the rbac-rule-precedence annotation, highest first, with
//     sort.Slice over the informer's list, so equal precedences come in no
//     defined order. Each rule is evaluated in turn; the first true one wins,
//     the first error (compile, run, non-boolean) ends the search and fails
//     the login, and no true rule fails it with "no service account rule
//     matches".
//   - server/auth/gatekeeper.go, precedence: strconv.Atoi with its error
//     ignored (a syntax error reads 0, an out-of-range value clamps).
//   - server/auth/gatekeeper.go, rbacAuthorization: with SSO namespace
//     delegation, an account of the request's namespace replaces the login
//     account only with a strictly higher precedence; its errors are only
//     logged (v4.0.5 and later also take it when argo-server's namespace
//     has no match). AnalyzeDelegated judges such a namespace's accounts
//     (delegation.go).
//   - server/auth/gatekeeper.go, authorizationForServiceAccount and
//     util/secrets/secret_name.go: the chosen account's token Secret is read
//     (the first entry of .secrets, else the service-account-token.name
//     annotation, else "<name>.service-account-token") and must exist.
//   - util/expr/argoexpr/eval.go, EvalBool: expr.Compile with the claims map
//     as expr.Env, expr.Run, and a type assertion to bool.
//   - server/auth/sso/sso.go, HandleCallback and Authorize, with
//     server/auth/types/claims.go and util/json/jsonify.go: the expressions
//     see only the claims argo-server re-issues in its own token, turned into
//     a JSON map, so an absent or empty groups claim is an unknown name, not
//     an empty list.
//
// Select reproduces the choice; ties are modelled as the set of outcomes
// possible under any order. Analyze reports the annotations that fail logins
// (deny) or make the choice depend on order or on the user's claims (warn).
// The package is pure: it takes accounts and claims, never a client.
package wfrbac
