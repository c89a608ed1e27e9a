package main

// The inputs every command that reads the guarded ConfigMaps shares:
// PATHs (files, folders, - for stdin) or a live cluster (--kubeconfig,
// --context), and the argoguard settings (--settings).

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/k8srbac"
	"github.com/argoguard/argoguard/policy/rules"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/settings/settingsfile"
	"github.com/argoguard/argoguard/snapshot"
)

type inputs struct {
	settingsPath            string
	kubeconfig, kubeContext string
}

func (o *inputs) add(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.settingsPath, "settings", "", "argoguard settings file: object names, groups, rule actions (default: stock names, enforce mode)")
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "read the live objects from the cluster of this kubeconfig instead of PATHs")
	f.StringVar(&o.kubeContext, "context", "", "kubeconfig context (default: the current one)")
}

// checkInputs are the inputs of the commands that run the rules: the
// objects, the settings and --rule.
type checkInputs struct {
	inputs
	only []string
}

func (o *checkInputs) add(c *cobra.Command) {
	o.inputs.add(c)
	addRuleFlag(c, &o.only)
}

// loaded is what a rule run reads: settings, catalogue, the rules to run
// (nil: all) and the snapshot.
type loaded struct {
	set  *settings.Settings
	reg  *policy.Registry
	ids  map[string]bool
	snap *policy.Snapshot
}

func (o *checkInputs) load(c *cobra.Command, paths []string) (*loaded, error) {
	var l loaded
	var err error
	if l.set, err = o.settings(); err != nil {
		return nil, err
	}
	if l.reg, err = loadRules(); err != nil {
		return nil, err
	}
	if l.ids, err = ruleSet(l.reg, o.only); err != nil {
		return nil, err
	}
	if l.snap, err = o.snapshot(c, paths, l.set); err != nil {
		return nil, err
	}
	return &l, nil
}

// parseNow reads a --now flag: RFC 3339, or def when empty.
func parseNow(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageErr("--now: %v", err)
	}
	return t, nil
}

// live says whether the objects come from a cluster.
func (o *inputs) live() bool { return o.kubeconfig != "" || o.kubeContext != "" }

// loadRules returns the rule catalogue, validated.
func loadRules() (*policy.Registry, error) {
	reg, err := rules.NewRegistry()
	if err != nil {
		return nil, fmt.Errorf("rule catalogue: %w", err)
	}
	return reg, nil
}

// settings reads --settings (the stock settings when none is given),
// checked against the rule catalogue as the webhook checks them: a bad file
// is a usage error (exit 2).
func (o *inputs) settings() (*settings.Settings, error) {
	if o.settingsPath == "" {
		return settings.Default(), nil
	}
	reg, err := loadRules()
	if err != nil {
		return nil, err
	}
	set, err := settingsfile.Load(o.settingsPath, reg.Known)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return set, nil
}

// snapshot reads the guarded objects from paths or from the cluster (one
// of them), notes about the input going to stderr.
func (o *inputs) snapshot(c *cobra.Command, paths []string, set *settings.Settings) (*policy.Snapshot, error) {
	if (len(paths) == 0) == !o.live() {
		return nil, usageErr("give PATHs or --kubeconfig (one of them)")
	}
	if o.live() {
		r, err := snapshot.Kubeconfig(o.kubeconfig, o.kubeContext)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		// The live state: the ConfigMaps, and the AppProjects and rbac-rule
		// ServiceAccounts the reader lists.
		notes := func(n string) { fmt.Fprintln(c.ErrOrStderr(), "note:", n) }
		snap, err := (&snapshot.Source{Reader: r, Notes: notes}).Build(c.Context(), set, nil)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		// With namespace delegation, the other namespaces' accounts too.
		more, err := snapshot.AddDelegatedAccounts(c.Context(), snap, r)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		for _, n := range more {
			notes(n)
		}
		if len(snap.Objects()) == 0 && len(snap.Projects) == 0 && len(snap.ServiceAccounts) == 0 {
			return nil, usageErr("none of the guarded ConfigMaps (%s) exists in the cluster; set other names in --settings", guardedNames(set))
		}
		return snap, nil
	}
	ms, err := loadManifests(c, set, paths)
	if err != nil {
		return nil, err
	}
	if ms.Empty() {
		return nil, usageErr("no guarded ConfigMap found in the input: none of the guarded ConfigMaps (%s) is in it, no AppProject of %s and no rbac-rule ServiceAccount of %s; set other names in --settings",
			guardedNames(set), set.ArgoCD.Namespace, set.Workflows.Namespace)
	}
	return ms.Snapshot(set, time.Time{}), nil
}

// clusterRBAC reads the cluster's Roles, ClusterRoles and bindings when
// the objects come from a cluster (nil otherwise). Credentials that may not
// list them leave the Workflows accounts' Kubernetes permissions out, with
// a note.
func (o *inputs) clusterRBAC(c *cobra.Command) (*k8srbac.Objects, error) {
	if !o.live() {
		return nil, nil
	}
	r, err := snapshot.Kubeconfig(o.kubeconfig, o.kubeContext)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	objs, err := r.ClusterRBAC(c.Context())
	if apierrors.IsForbidden(err) {
		fmt.Fprintln(c.ErrOrStderr(), "note:", err.Error()+": the Workflows accounts' Kubernetes permissions are left out")
		return nil, nil
	}
	return objs, err
}

func guardedNames(set *settings.Settings) string {
	var names []string
	for _, r := range snapshot.GuardedRefs(set) {
		names = append(names, r.Namespace+"/"+r.Name)
	}
	return strings.Join(names, ", ")
}

// readPolicy reads argocd-rbac-cm from path (a manifest or CSV file, - for
// stdin) or, when path is "" and --kubeconfig is given, from the cluster.
func (o *inputs) readPolicy(c *cobra.Command, path string, set *settings.Settings) (*manifest.PolicyFile, error) {
	if path == "" && o.live() {
		r, err := snapshot.Kubeconfig(o.kubeconfig, o.kubeContext)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		ns, name := set.ArgoCD.Namespace, set.ArgoCD.RBACConfigMap
		obj, err := r.ConfigMap(c.Context(), ns, name)
		if err != nil {
			return nil, usageErr("reading ConfigMap %s/%s: %v", ns, name, err)
		}
		if obj == nil {
			return nil, usageErr("the cluster has no ConfigMap %s/%s; set other names in --settings", ns, name)
		}
		return manifest.PolicyObject(obj), nil
	}
	if path == "" {
		return nil, usageErr("--policy-file (or --kubeconfig) is required")
	}
	pf, err := manifest.ReadPolicyFile(path, c.InOrStdin(), set)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return pf, nil
}

// loadManifests reads paths (files, folders, - for stdin) with the
// settings' names; a read error is a usage error, notes about the input go
// to stderr.
func loadManifests(c *cobra.Command, set *settings.Settings, paths []string) (*manifest.Set, error) {
	ms, err := manifest.Load(set, c.InOrStdin(), paths...)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	for _, n := range ms.Notes {
		fmt.Fprintln(c.ErrOrStderr(), "note:", n)
	}
	return ms, nil
}
