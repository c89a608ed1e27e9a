package conformance

import (
	"fmt"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	applister "github.com/argoproj/argo-cd/v3/pkg/client/listers/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/server/rbacpolicy"
	"github.com/argoproj/argo-cd/v3/util/assets"
	argorbac "github.com/argoproj/argo-cd/v3/util/rbac"
	"github.com/golang-jwt/jwt/v5"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/argoguard/argoguard/policy/rbac"
)

// argoNamespace is the namespace argocd-server runs in; its project lister
// sees AppProjects of this namespace only.
const argoNamespace = "argocd"

// ArgoCDServer is argocd-server's RBAC as server/server.go wires it: the
// util/rbac enforcer with the built-in policy, server/rbacpolicy's
// RBACPolicyEnforcer over an AppProject lister as its claims function, then
// argocd-rbac-cm applied as the policy loader does (default role, match
// mode, user policy). The lister reads an indexer filled by the test
// instead of an informer; no cluster is involved.
type ArgoCDServer struct{ e *argorbac.Enforcer }

// NewArgoCDServer loads data and projects into Argo CD's server enforcer.
func NewArgoCDServer(data map[string]string, projects []*v1alpha1.AppProject, scopes []string) (*ArgoCDServer, error) {
	e := argorbac.NewEnforcer(nil, argoNamespace, "argocd-rbac-cm", nil)
	if err := e.SetBuiltinPolicy(assets.BuiltinPolicyCSV); err != nil {
		return nil, fmt.Errorf("built-in policy: %w", err)
	}
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	for _, p := range projects {
		if err := indexer.Add(p); err != nil {
			return nil, err
		}
	}
	projLister := applister.NewAppProjectLister(indexer).AppProjects(argoNamespace)
	policyEnf := rbacpolicy.NewRBACPolicyEnforcer(e, projLister)
	e.SetClaimsEnforcerFunc(policyEnf.EnforceClaims)
	policyEnf.SetScopes(scopes)
	e.SetDefaultRole(data[argorbac.ConfigMapPolicyDefaultKey])
	e.SetMatchMode(data[argorbac.ConfigMapMatchModeKey])
	if err := e.SetUserPolicy(argorbac.PolicyCSV(data)); err != nil {
		return nil, err
	}
	return &ArgoCDServer{e: e}, nil
}

// Enforce is what an API handler asks: Enforce(claims, res, act, obj). A
// panic is reported and counts as "no".
func (a *ArgoCDServer) Enforce(claims map[string]any, res, act, obj string) (allowed bool, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			allowed, panicked = false, r
		}
	}()
	return a.e.Enforce(jwt.MapClaims(claims), res, act, obj), nil
}

// argoProject is the AppProject object Argo CD's lister would return for p.
func argoProject(p *rbac.AppProject) *v1alpha1.AppProject {
	out := &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}}
	for _, r := range p.Roles {
		role := v1alpha1.ProjectRole{Name: r.Name, Policies: r.Policies, Groups: r.Groups}
		for _, t := range r.JWTTokens {
			role.JWTTokens = append(role.JWTTokens, v1alpha1.JWTToken{IssuedAt: t.IssuedAt, ExpiresAt: t.ExpiresAt, ID: t.ID})
		}
		out.Spec.Roles = append(out.Spec.Roles, role)
	}
	return out
}
