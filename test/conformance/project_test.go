package conformance

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	jwtutil "github.com/argoproj/argo-cd/v3/util/jwt"
	"github.com/golang-jwt/jwt/v5"

	"github.com/argoguard/argoguard/policy/rbac"
)

var projectCases = flag.Int("project-cases", 2500, "number of generated (argocd-rbac-cm, AppProjects) cases")

const (
	projectRequestsPerCase = 8
	minProjectDecisions    = 10000
)

// projectEnforce is the argoguard side of the project comparison.
type projectEnforce func(pe *rbac.ProjectEnforcer, c rbac.Claims, res, act, obj string) bool

// argoguardProjects is policy/rbac's ProjectEnforcer as the CLI and the
// webhook are to use it.
var argoguardProjects projectEnforce = (*rbac.ProjectEnforcer).Enforce

// projectRun is the outcome of one generated case on both sides.
type projectRun struct {
	skipped  string // why the case could not be compared (both refuse the global policy)
	decided  []bool // Argo CD's answers, per request
	differ   []int  // requests where argoguard answers otherwise
	panicked int
}

// runProjectCase asks Argo CD's server enforcer and argoguard every request of c.
func runProjectCase(c ProjectCase, enforce projectEnforce) (projectRun, error) {
	var run projectRun
	argoProjects := make([]*v1alpha1.AppProject, len(c.Projects))
	for i, p := range c.Projects {
		argoProjects[i] = argoProject(p)
	}
	policy := rbac.Parse(c.Data)
	argo, argoErr := NewArgoCDServer(c.Data, argoProjects, c.Scopes)
	if (argoErr == nil) != policy.Valid() {
		return run, fmt.Errorf("global policy: Argo CD load error %v, argoguard errors %v", argoErr, policy.Err())
	}
	if argoErr != nil {
		run.skipped = "global policy invalid on both sides"
		return run, nil
	}
	global, err := rbac.NewEnforcer(policy)
	if err != nil {
		return run, err
	}
	pe := rbac.NewProjectEnforcer(global, c.Projects)
	for i, q := range c.Requests {
		want, panicked := argo.Enforce(q.Claims, q.Res, q.Act, q.Obj)
		if panicked != nil {
			run.panicked++
		}
		run.decided = append(run.decided, want)
		if got := enforce(pe, rbac.ClaimsFromMap(q.Claims, c.Scopes), q.Res, q.Act, q.Obj); got != want {
			run.differ = append(run.differ, i)
		}
	}
	return run, nil
}

// TestProjectConformance compares argoguard's ProjectEnforcer with
// argocd-server's enforcer (server/rbacpolicy over an AppProject lister) on
// generated argocd-rbac-cm data, AppProjects and logged-in users' requests.
func TestProjectConformance(t *testing.T) {
	cases := GenerateProjects(*conformanceSeed, *projectCases, projectRequestsPerCase)
	var decisions, allowed, skipped, panics, disagree int
	reported := 0
	for _, c := range cases {
		run, err := runProjectCase(c, argoguardProjects)
		if err != nil {
			t.Errorf("case %s: %v\n%s", c.Name, err, describeProjectCase(c, -1))
			continue
		}
		if run.skipped != "" {
			skipped++
			continue
		}
		panics += run.panicked
		decisions += len(run.decided)
		for _, ok := range run.decided {
			if ok {
				allowed++
			}
		}
		for _, i := range run.differ {
			disagree++
			if reported < maxReportedDiffers {
				reported++
				small, j := shrinkProjectCase(c, i)
				want, _ := mustArgo(small).Enforce(small.Requests[j].Claims, small.Requests[j].Res, small.Requests[j].Act, small.Requests[j].Obj)
				t.Errorf("case %s request %d: argoguard %v, Argo CD %v; minimal reproduction:\n%s", c.Name, i, !want, want, describeProjectCase(small, j))
			}
		}
	}
	t.Logf("%d cases (%d skipped: global policy invalid on both sides), %d decisions compared (%d allowed), %d disagree (%.3f%% agreement), %d Argo CD panics recovered",
		len(cases), skipped, decisions, allowed, disagree, 100*float64(decisions-disagree)/float64(max(decisions, 1)), panics)
	if decisions < minProjectDecisions {
		t.Errorf("only %d decisions compared; want at least %d", decisions, minProjectDecisions)
	}
	if allowed*10 < decisions || allowed*10 > decisions*9 {
		t.Errorf("%d of %d decisions are allowed: the requests do not probe both answers", allowed, decisions)
	}
}

// TestProjectConformanceDetectsDifferences shows the corpus catches
// plausible wrong readings of argocd-server.
func TestProjectConformanceDetectsDifferences(t *testing.T) {
	mutants := map[string]projectEnforce{
		"project role policies ignored": func(pe *rbac.ProjectEnforcer, c rbac.Claims, res, act, obj string) bool {
			g := pe.Global()
			return g.Enforce(g.DefaultRole(), res, act, obj) || g.EnforceClaims(c.UserID(), c.Groups, res, act, obj) || g.EnforceSubject("", res, act, obj)
		},
		"empty subject not checked": func(pe *rbac.ProjectEnforcer, c rbac.Claims, res, act, obj string) bool {
			g := pe.Global()
			return (g.DefaultRole() != "" && g.EnforceSubject(g.DefaultRole(), res, act, obj)) || pe.EnforceClaims(c, res, act, obj)
		},
		"project tokens not confined to their project": func(pe *rbac.ProjectEnforcer, c rbac.Claims, res, act, obj string) bool {
			if p, _, ok := rbac.ParseProjectRoleSubject(c.UserID()); ok && pe.Project(p) != nil {
				if _, scoped := rbac.RequestProject(res, obj); scoped {
					return pe.ForProject(p).Enforce(c.UserID(), res, act, obj) || pe.Enforce(c, res, act, obj)
				}
			}
			return pe.Enforce(c, res, act, obj)
		},
		"invalid role policies loaded line by line": func(pe *rbac.ProjectEnforcer, c rbac.Claims, res, act, obj string) bool {
			if name, ok := rbac.RequestProject(res, obj); ok && pe.Project(name) != nil && len(pe.ProjectPolicyErrors(name)) > 0 {
				lenient := rbac.NewProjectEnforcer(pe.Global(), []*rbac.AppProject{validRolesOnly(pe.Project(name))})
				return lenient.Enforce(c, res, act, obj)
			}
			return pe.Enforce(c, res, act, obj)
		},
	}
	cases := GenerateProjects(*conformanceSeed, min(*projectCases, 1500), projectRequestsPerCase)
	for _, name := range slices.Sorted(maps.Keys(mutants)) {
		caught := 0
		for _, c := range cases {
			run, err := runProjectCase(c, mutants[name])
			if err == nil {
				caught += len(run.differ)
			}
		}
		t.Logf("%s: %d disagreements", name, caught)
		if caught == 0 {
			t.Errorf("the corpus does not tell %q from Argo CD", name)
		}
	}
}

// validRolesOnly drops the role policy lines Argo CD would refuse.
func validRolesOnly(p *rbac.AppProject) *rbac.AppProject {
	out := *p
	out.Roles = nil
	for _, r := range p.Roles {
		r.Policies = slices.DeleteFunc(slices.Clone(r.Policies), func(l string) bool {
			return !rbac.ParseCSV(l).Valid()
		})
		out.Roles = append(out.Roles, r)
	}
	return &out
}

// TestProjectPoliciesString: rbac.ProjectPolicies is AppProject.ProjectPoliciesString.
func TestProjectPoliciesString(t *testing.T) {
	n := 0
	for _, c := range GenerateProjects(*conformanceSeed, 500, 0) {
		for _, p := range c.Projects {
			n++
			if got, want := rbac.ProjectPolicies(p), argoProject(p).ProjectPoliciesString(); got != want {
				t.Errorf("project %+v:\nargoguard %q\nArgo CD   %q", p, got, want)
			}
		}
	}
	t.Logf("%d projects compared", n)
}

// TestProjectClaimsFromMap: the user id and groups argoguard reads from
// claims are util/jwt's GetUserIdentifier and GetScopeValues.
func TestProjectClaimsFromMap(t *testing.T) {
	n := 0
	for _, c := range GenerateProjects(*conformanceSeed, 500, projectRequestsPerCase) {
		scopes := c.Scopes
		if scopes == nil {
			scopes = []string{"groups"}
		}
		for _, q := range c.Requests {
			n++
			got := rbac.ClaimsFromMap(q.Claims, c.Scopes)
			mc := jwt.MapClaims(q.Claims)
			if want := jwtutil.GetUserIdentifier(mc); got.UserID() != want {
				t.Errorf("claims %v: user id %q, Argo CD %q", q.Claims, got.UserID(), want)
			}
			if want := jwtutil.GetScopeValues(mc, scopes); !slices.Equal(got.Groups, want) {
				t.Errorf("claims %v: groups %q, Argo CD %q", q.Claims, got.Groups, want)
			}
		}
	}
	t.Logf("%d claims compared", n)
}

func mustArgo(c ProjectCase) *ArgoCDServer {
	ps := make([]*v1alpha1.AppProject, len(c.Projects))
	for i, p := range c.Projects {
		ps[i] = argoProject(p)
	}
	a, err := NewArgoCDServer(c.Data, ps, c.Scopes)
	if err != nil {
		panic(err)
	}
	return a
}

// shrinkProjectCase removes data keys, lines, projects, roles, policies,
// groups and claim groups from c one at a time while argoguard and Argo CD
// still disagree on request i; it returns the smaller case (with that one
// request, index 0).
func shrinkProjectCase(c ProjectCase, i int) (ProjectCase, int) {
	cur := cloneProjectCase(c)
	cur.Requests = []ProjectRequest{c.Requests[i]}
	differs := func(x ProjectCase) bool {
		run, err := runProjectCase(x, argoguardProjects)
		return err == nil && run.skipped == "" && len(run.differ) > 0
	}
	for changed := true; changed; {
		changed = false
		for _, cand := range projectShrinks(cur) {
			if differs(cand) {
				cur, changed = cand, true
				break
			}
		}
	}
	return cur, 0
}

// projectShrinks lists every case one deletion smaller than c.
func projectShrinks(c ProjectCase) []ProjectCase {
	var out []ProjectCase
	for k, v := range c.Data {
		x := cloneProjectCase(c)
		delete(x.Data, k)
		out = append(out, x)
		lines := strings.Split(v, "\n")
		for j := range lines {
			x := cloneProjectCase(c)
			x.Data[k] = strings.Join(slices.Delete(slices.Clone(lines), j, j+1), "\n")
			out = append(out, x)
		}
	}
	for pi, p := range c.Projects {
		x := cloneProjectCase(c)
		x.Projects = slices.Delete(x.Projects, pi, pi+1)
		out = append(out, x)
		for ri, r := range p.Roles {
			x := cloneProjectCase(c)
			x.Projects[pi].Roles = slices.Delete(x.Projects[pi].Roles, ri, ri+1)
			out = append(out, x)
			for li := range r.Policies {
				x := cloneProjectCase(c)
				x.Projects[pi].Roles[ri].Policies = slices.Delete(x.Projects[pi].Roles[ri].Policies, li, li+1)
				out = append(out, x)
			}
			for gi := range r.Groups {
				x := cloneProjectCase(c)
				x.Projects[pi].Roles[ri].Groups = slices.Delete(x.Projects[pi].Roles[ri].Groups, gi, gi+1)
				out = append(out, x)
			}
		}
	}
	if gs, ok := c.Requests[0].Claims["groups"].([]any); ok {
		for gi := range gs {
			x := cloneProjectCase(c)
			x.Requests[0].Claims["groups"] = slices.Delete(slices.Clone(gs), gi, gi+1)
			out = append(out, x)
		}
	}
	return out
}

func cloneProjectCase(c ProjectCase) ProjectCase {
	x := c
	x.Data = maps.Clone(c.Data)
	x.Projects = nil
	for _, p := range c.Projects {
		q := *p
		q.Roles = nil
		for _, r := range p.Roles {
			r.Policies = slices.Clone(r.Policies)
			r.Groups = slices.Clone(r.Groups)
			q.Roles = append(q.Roles, r)
		}
		x.Projects = append(x.Projects, &q)
	}
	x.Requests = nil
	for _, q := range c.Requests {
		q.Claims = maps.Clone(q.Claims)
		x.Requests = append(x.Requests, q)
	}
	return x
}

// describeProjectCase prints c (Go-quoted) and request i (all when i < 0).
func describeProjectCase(c ProjectCase, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    argocd-rbac-cm: %s\n", describe(c.Data))
	if c.Scopes != nil {
		fmt.Fprintf(&b, "    scopes: %q\n", c.Scopes)
	}
	for _, p := range c.Projects {
		fmt.Fprintf(&b, "    AppProject %q:\n", p.Name)
		for _, r := range p.Roles {
			fmt.Fprintf(&b, "      role %q policies %q groups %q\n", r.Name, r.Policies, r.Groups)
		}
	}
	for j, q := range c.Requests {
		if i < 0 || i == j {
			fmt.Fprintf(&b, "    Enforce(claims %v, %q, %q, %q)\n", q.Claims, q.Res, q.Act, q.Obj)
		}
	}
	return b.String()
}
