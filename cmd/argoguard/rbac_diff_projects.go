package main

// `rbac diff OLD NEW` where OLD and NEW hold AppProjects: what the change
// of each project's roles grants and revokes, judged as argocd-server
// answers requests about that project (the global policy from
// --policy-file, the cluster's with --kubeconfig, else the built-in one).

import (
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
)

// projectDiff is one project's change.
type projectDiff struct {
	Project string          `json:"project"`
	Diff    rbac.DiffResult `json:"diff"`
}

// projectsIn returns the AppProjects of path when it holds some and no
// argocd-rbac-cm (then it is a project diff's side), else nil.
func projectsIn(c *cobra.Command, path string, set *settings.Settings) []*policy.Object {
	if path == "-" {
		return nil // stdin is read once, as a policy file
	}
	ms, err := manifest.Load(set, c.InOrStdin(), path)
	if err != nil || ms.RBACCM != nil || len(ms.Projects) == 0 {
		return nil // not a project side: read as a policy file, which reports errors
	}
	return ms.Projects
}

// runProjectDiff compares old and new AppProjects over the global policy
// global (nil: the built-in policy alone).
func runProjectDiff(c *cobra.Command, out *output, set *settings.Settings, global *manifest.PolicyFile, old, new []*policy.Object) error {
	snap := func(ps []*policy.Object) *policy.Snapshot {
		s := &policy.Snapshot{Settings: set, Projects: ps}
		if global != nil {
			s.RBACCM = global.Object
		}
		return s
	}
	olds, news := snap(old), snap(new)
	oldPE, newPE := olds.ProjectEnforcer(), news.ProjectEnforcer()
	names := map[string]bool{}
	for _, s := range []*policy.Snapshot{olds, news} {
		for _, p := range s.AppProjects() {
			names[p.Project.Name] = true
		}
	}
	var diffs []projectDiff
	for name := range names {
		d := rbac.Diff(oldPE.ForProject(name), newPE.ForProject(name))
		if d.Changes == nil {
			d.Changes = []rbac.Change{}
		}
		if d.Roles == nil {
			d.Roles = []rbac.RoleChange{}
		}
		diffs = append(diffs, projectDiff{Project: name, Diff: d})
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].Project < diffs[j].Project })
	var base report.PolicyLocator = builtinLocator{}
	if global != nil {
		base = global
	}
	oldLoc := report.ProjectLocator{Global: base, Snapshot: olds}
	newLoc := report.ProjectLocator{Global: base, Snapshot: news}
	_, err := out.write(c, func(w io.Writer) error {
		if out.format == "json" {
			return report.WriteIndentedJSON(w, diffs)
		}
		for i, d := range diffs {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "AppProject %s/%s (requests about %s):\n", set.ArgoCD.Namespace, d.Project, d.Project)
			report.WriteDiffText(w, d.Diff, oldLoc, newLoc)
		}
		return nil
	})
	return err
}

// builtinLocator locates lines when no argocd-rbac-cm is given: only
// built-in lines can come from outside the projects.
type builtinLocator struct{}

func (builtinLocator) LineRef(l *rbac.Line) string {
	if l == nil {
		return ""
	}
	return l.Where()
}

func (builtinLocator) FindingWhere(l policy.Location) string { return l.String() }

// diffProjects runs an AppProject diff when the arguments hold AppProjects
// (done is then true).
func diffProjects(c *cobra.Command, in *inputs, out *output, set *settings.Settings, policyFile string, args []string) (bool, error) {
	newP := projectsIn(c, args[len(args)-1], set)
	var oldP []*policy.Object
	if len(args) == 2 {
		oldP = projectsIn(c, args[0], set)
		if (oldP == nil) != (newP == nil) {
			return true, usageErr("OLD and NEW must both hold AppProjects, or both argocd-rbac-cm")
		}
	}
	if newP == nil {
		return false, nil
	}
	var global *manifest.PolicyFile
	var err error
	if in.live() {
		if policyFile != "" {
			return true, usageErr("give --policy-file or --kubeconfig (one of them)")
		}
		if oldP, _, err = in.readProjects(c, set, nil); err != nil {
			return true, err
		}
		if global, err = in.readPolicy(c, "", set); err != nil {
			return true, err
		}
	} else if policyFile != "" {
		if global, err = in.readPolicy(c, policyFile, set); err != nil {
			return true, err
		}
	}
	return true, runProjectDiff(c, out, set, global, oldP, newP)
}
