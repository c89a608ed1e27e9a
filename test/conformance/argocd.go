package conformance

import (
	"fmt"
	"io"
	"slices"

	"github.com/argoproj/argo-cd/v3/util/assets"
	argorbac "github.com/argoproj/argo-cd/v3/util/rbac"
	log "github.com/sirupsen/logrus"
)

func init() {
	// Argo CD logs every glob that does not compile and every role without
	// permissions; thousands of generated policies would drown the test output.
	log.SetOutput(io.Discard)
	log.SetLevel(log.PanicLevel)
}

// ArgoCD is Argo CD's own reading of argocd-rbac-cm data (util/rbac v3.5).
type ArgoCD struct{ e *argorbac.Enforcer }

// ArgoCompose is Argo CD's PolicyCSV(data).
func ArgoCompose(data map[string]string) string { return argorbac.PolicyCSV(data) }

// ArgoValidate is what Argo CD (and `argocd admin settings rbac validate`)
// says about the data: rbac.ValidatePolicy(rbac.PolicyCSV(data)).
func ArgoValidate(data map[string]string) error {
	return argorbac.ValidatePolicy(argorbac.PolicyCSV(data))
}

// NewArgoCD loads data the way argocd-server's policy loader does
// (syncUpdate): default role, match mode, then the composed user policy on
// top of the built-in policy. No cluster is involved: the clientset is only
// used by the informer, which is never started.
func NewArgoCD(data map[string]string) (*ArgoCD, error) {
	e := argorbac.NewEnforcer(nil, "argocd", "argocd-rbac-cm", nil)
	if err := e.SetBuiltinPolicy(assets.BuiltinPolicyCSV); err != nil {
		return nil, fmt.Errorf("built-in policy: %w", err)
	}
	e.SetDefaultRole(data[argorbac.ConfigMapPolicyDefaultKey])
	e.SetMatchMode(data[argorbac.ConfigMapMatchModeKey])
	if err := e.SetUserPolicy(argorbac.PolicyCSV(data)); err != nil {
		return nil, err
	}
	return &ArgoCD{e: e}, nil
}

// Enforce is Argo CD's Enforcer.Enforce(sub, res, act, obj) for a plain
// subject string. Argo CD panics when its stored policy cannot be loaded;
// a panic is reported (and counts as "no").
func (a *ArgoCD) Enforce(q Query) (allowed bool, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			allowed, panicked = false, r
		}
	}()
	return a.e.Enforce(q.Sub, q.Res, q.Act, q.Obj), nil
}

// EnforceClaims answers for a logged-in user with group claims the way
// argocd-server does (server/rbacpolicy, documented in the facts notes):
// the user id first (default role included), then each group claim value,
// but only a value that is the first field of some g line Argo CD loaded,
// each as its own subject. Built from util/rbac's exported calls; the
// server package itself cannot be built here (it needs gitops-engine).
func (a *ArgoCD) EnforceClaims(user string, groups []string, q Query) (allowed bool, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			allowed, panicked = false, r
		}
	}()
	enf := a.e.CreateEnforcerWithRuntimePolicy("", "")
	if a.e.EnforceWithCustomEnforcer(enf, user, q.Res, q.Act, q.Obj) {
		return true, nil
	}
	grouping, err := enf.GetGroupingPolicy()
	if err != nil {
		return false, err
	}
	for _, grp := range groups {
		if slices.ContainsFunc(grouping, func(rule []string) bool { return rule[0] == grp }) &&
			a.e.EnforceWithCustomEnforcer(enf, grp, q.Res, q.Act, q.Obj) {
			return true, nil
		}
	}
	return false, nil
}
