// Package rbac reads argocd-rbac-cm the way Argo CD v3 does and answers
// permission questions exactly as Argo CD's enforcer would: the same line
// parser, the same built-in policy, the casbin model with globOrRegexMatch,
// the 10-hop role manager, and policy.default checked first as its own
// subject. On top of that it answers questions Argo CD cannot: who can do
// something, what one subject can do (and which line grants it), and what
// changes between two policies.
//
// Reading:
//   - Compose joins the data keys as Argo CD's PolicyCSV; PolicyKeys lists them.
//   - Parse returns a Policy whose Lines keep their key and line number and
//     whose Errors list every line Argo CD refuses (none iff Argo CD's
//     ValidatePolicy accepts the composed text). ParseLine reads one line.
//
// Deciding (Enforcer, from NewEnforcer or NewEnforcerWith):
//   - Enforce: Argo CD's Enforcer.Enforce (default role, then the subject).
//   - EnforceSubject / Decide: one subject alone, Decide with the lines that
//     matched.
//   - EnforceClaims: argocd-server's view of a logged-in user (default role,
//     user id, then each group named first in some g line).
//
// Analysing:
//   - WhoCan / Holders: every name that may do one thing, with the granting
//     line and the g chain to it.
//   - Permissions: every p line that applies to a subject.
//   - Diff: who gains or loses which role and permission between two policies
//     (may say more than Argo CD's answers show, never less).
//   - Covers: whether one pattern certainly matches everything another does
//     (proven shapes only; the diff and RBAC-014 rely on it).
//   - Roles, Members, Path, Cycles, HasPermissions, Principals, IsRole,
//     IsGroupSubject: the role graph.
//   - ValidateRequest / ValidateGrant, ResolveResource, CLIObject: the
//     resource and action tables of Argo CD's CLI and server.
//
// NewCasbinEnforcer loads the same policy into casbin v2 itself; the tests,
// the fuzzers and test/conformance (Argo CD's own code) keep the two equal.
//
// The package is pure: no logger, no network, no Kubernetes client.
package rbac
