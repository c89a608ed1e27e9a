package main

// The AppProjects `rbac can` and `who-can` add to argocd-rbac-cm: from
// --projects (files, folders, - for stdin) or, with --kubeconfig, the
// cluster's AppProjects of Argo CD's namespace.

import (
	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/argoguard/argoguard/manifest"
	"github.com/argoguard/argoguard/policy"
	"github.com/argoguard/argoguard/policy/rbac"
	"github.com/argoguard/argoguard/policy/report"
	"github.com/argoguard/argoguard/settings"
	"github.com/argoguard/argoguard/snapshot"
)

// readProjects reads the AppProjects of paths, or of the cluster when
// --kubeconfig is given; ok is false when no AppProject is to be used.
func (o *inputs) readProjects(c *cobra.Command, set *settings.Settings, paths []string) ([]*policy.Object, bool, error) {
	if o.live() {
		r, err := snapshot.Kubeconfig(o.kubeconfig, o.kubeContext)
		if err != nil {
			return nil, false, usageErr("%v", err)
		}
		ps, err := r.AppProjects(c.Context(), set.ArgoCD.Namespace)
		if apierrors.IsForbidden(err) {
			c.PrintErrln("note: may not list the AppProjects of " + set.ArgoCD.Namespace + ": answering with argocd-rbac-cm alone")
			return nil, false, nil
		}
		if err != nil {
			return nil, false, usageErr("listing the AppProjects of %s: %v", set.ArgoCD.Namespace, err)
		}
		// No AppProject (or no CRD): answer as without projects.
		return ps, len(ps) > 0, nil
	}
	if len(paths) == 0 {
		return nil, false, nil
	}
	ms, err := loadManifests(c, set, paths)
	if err != nil {
		return nil, false, err
	}
	if len(ms.Projects) == 0 {
		return nil, false, usageErr("--projects: no AppProject of %s in %v", set.ArgoCD.Namespace, paths)
	}
	return ms.Projects, true, nil
}

// projectView is argocd-rbac-cm with the AppProjects: the enforcer
// argocd-server answers with, and a locator naming the project fields
// lines come from.
type projectView struct {
	pe  *rbac.ProjectEnforcer
	loc report.PolicyLocator
}

// projects returns the view, or nil when no AppProjects are read. The
// global enforcer is e (which honours --default-role and
// --use-builtin-policy); the projects are those snap.ProjectEnforcer
// loads.
func (o *enforcerFlags) projects(c *cobra.Command, f *manifest.PolicyFile, set *settings.Settings, e *rbac.Enforcer) (*projectView, error) {
	objs, ok, err := o.readProjects(c, set, o.projectPaths)
	if err != nil || !ok {
		return nil, err
	}
	snap := &policy.Snapshot{Settings: set, RBACCM: f.Object, Projects: objs}
	pe := snap.ProjectEnforcer()
	if o.defaultRole != "" || !o.useBuiltin {
		var loaded []*rbac.AppProject
		for _, p := range snap.AppProjects() {
			if pe.Project(p.Project.Name) != nil {
				loaded = append(loaded, p.Project)
			}
		}
		pe = rbac.NewProjectEnforcer(e, loaded)
	}
	return &projectView{pe: pe, loc: report.ProjectLocator{Global: f, Snapshot: snap}}, nil
}

// forRequest is the enforcer argocd-server uses for a request: the
// project's (global policy plus its roles) for a request about a known
// project, else the global one.
func (v *projectView) forRequest(res, obj string) *rbac.Enforcer {
	if name, ok := rbac.RequestProject(res, obj); ok && v.pe.Project(name) != nil {
		return v.pe.ForProject(name)
	}
	return v.pe.Global()
}
