// Package webhook is argoguard's admission adapter: it turns admission
// requests for the guarded ConfigMaps, Argo CD's AppProjects and the
// rbac-rule ServiceAccounts of Argo Workflows into policy.Snapshots, runs
// the registry's rules and turns findings into admission answers. It knows
// Kubernetes, not rules.
//
// # Handlers
//
// /validate (Validator) and /mutate (Mutator), registered by Register on
// the manager's webhook server behind a body limit (DefaultMaxRequestBytes).
// Each request takes one settings version (SettingsStore.Current) for its
// whole evaluation.
//
// The validator evaluates the snapshot after the change and the one before
// it, and Decide compares them:
//   - enforce mode denies deny-action findings the change introduces; deny
//     findings already present before (same rule, object, key, path and
//     message, counted) are warnings, so a broken live config can be
//     repaired one step at a time ("never block a fix");
//   - audit mode never denies; every finding is a warning;
//   - break-glass requesters (settings.breakGlass) are allowed with the
//     findings as warnings, one log line naming what matched, audit
//     annotations and an Event on the object;
//   - dry-run requests get exactly the same answer (sideEffects: None).
//
// DELETE is judged for the state it leaves: an empty object stands in for
// the deleted one (the owner's fallback: Argo CD's built-in policy alone,
// its defaults, Workflows without SSO), so the rules of its family judge
// the fallback, and GUARD-001 refuses deleting a guarded object that held
// data; never for the problems the deleted object had. It always carries a
// warning that the owner falls back to its built-in defaults. A break-glass
// requester, and kube-controller-manager's namespace controller and garbage
// collector (a namespace or an owner being deleted), get through with the
// trail: audit annotations (who, which rules), a Warning Event BreakGlass on
// the object (not on a dry run) and the decisions metric. Without oldObject
// (old API servers) the live object from the cache is the "before" state.
//
// A panicking rule (policy.RulePanic) or unreadable live objects are
// answered per the failure policy: refused with the reason in enforce mode,
// allowed with a warning in audit mode. Malformed reviews, other kinds and
// missing objects are 400 errors; nothing panics the server.
//
// # Reading the cluster
//
// ClusterReader holds one informer cache per guarded object, each
// restricted to its namespace and to metadata.name=<name>; argoguard never
// lists or watches any other ConfigMap, and reads referenced Secrets by a
// direct GET by name only when settings.secrets.read is true. AppProjects
// and rbac-rule ServiceAccounts are listed directly, only for an admission
// of their kind and for the audit's passes. RBAC can
// therefore use resourceNames for get, list and watch. Watch starts the
// caches of the objects the settings guard and stops the others; OnChange
// subscribers (the audit controller) hear of each informer event.
//
// # For other packages
//
// snapshot.Source.Build gives the snapshot of the live objects (change nil)
// for the audit controller:
//
//	snap, err := deps.Source.Build(ctx, deps.Settings.Current(), nil)
//	findings, err := deps.Rules.EvaluateOnly(snap, nil)
//
// A ControllerFunc receives the Deps (settings, snapshot source, rules,
// logger, change notifications) and adds its controller to the manager.
// Metrics are registered by
// cmd/webhook (RegisterMetrics), not on import.
package webhook
