// Package webhook is argoguard's admission adapter: it turns admission
// requests for the guarded ConfigMaps into policy.Snapshots, runs the rules
// (policy/rules) and turns findings into admission answers. It knows
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
//     findings as warnings and one log line naming what matched;
//   - dry-run requests get exactly the same answer (sideEffects: None).
//
// DELETE is judged with the object absent afterwards and present before:
// it is refused only when the absence creates a new deny finding (a rule
// that needs the object while another one depends on it), never for the
// problems the deleted object had; it always carries a warning that the
// owner (Argo CD, Argo Workflows) falls back to its built-in defaults.
// Without oldObject (old API servers) the live object from the cache is the
// "before" state.
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
// direct GET by name only when settings.secrets.read is true. RBAC can
// therefore use resourceNames for get, list and watch.
//
// # For other packages
//
// SnapshotSource.Build gives the snapshot of the live objects (change nil)
// for the audit controller:
//
//	snap, err := deps.Source.Build(ctx, deps.Settings.Current(), nil)
//	findings, err := rules.Evaluate(snap)
//
// A ControllerFunc receives the Deps (settings, snapshot source, logger)
// and adds its controller to the manager; cmd/webhook lists them at the
// marked spot.
package webhook
