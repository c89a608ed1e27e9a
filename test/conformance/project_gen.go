package conformance

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/argoguard/argoguard/policy/rbac"
)

// ProjectCase is argocd-rbac-cm data, the AppProjects in Argo CD's
// namespace, and logged-in users' requests to ask about them.
type ProjectCase struct {
	Name     string
	Data     map[string]string
	Projects []*rbac.AppProject
	// Scopes is argocd-rbac-cm's scopes as argocd-server parses it (nil: the default).
	Scopes   []string
	Requests []ProjectRequest
}

// ProjectRequest is one Enforce(claims, res, act, obj) call.
type ProjectRequest struct {
	Claims        map[string]any
	Res, Act, Obj string
}

// Vocabulary of the project generator: names chosen so that role
// subjects, objects and groups of different projects collide.
var (
	projectNames  = []string{"team-a", "team-b", "default", "prod"}
	projRoleNames = []string{"dev", "ops", "ci", "admin", "a:b", ""}
	claimGroups   = []string{
		"g-dev", "g-ops", "admin", "role:admin", "role:readonly", "Team A",
		"9067b2d4-4031-70fd-4a94-2a4c12e6fca8", "proj:team-a:dev", "",
	}
	projResources = []string{
		"applications", "applicationsets", "logs", "exec", "repositories", "clusters", "projects",
		"accounts", "certificates", "gpgkeys",
	}
	projActions = []string{
		"get", "create", "update", "delete", "sync", "override", "action/apps/Deployment/restart", "*",
	}
	projUsers = []string{"alice", "bob", "admin", "", "proj:team-a:dev", "proj:team-b:ci", "proj:team-a:a:b", "proj:prod:admin", "g-dev"}
)

// GenerateProjects returns n project cases. Case i depends only on (seed, i).
func GenerateProjects(seed uint64, n, requestsPerCase int) []ProjectCase {
	out := make([]ProjectCase, n)
	for i := range out {
		r := rand.New(rand.NewPCG(seed, uint64(i)^0x9e3779b97f4a7c15))
		out[i] = genProjectCase(r, seed, i, requestsPerCase)
	}
	return out
}

func pickOf[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func genProjectCase(r *rand.Rand, seed uint64, i, nreq int) ProjectCase {
	c := ProjectCase{Name: fmt.Sprintf("project/%04d", i)}
	// Global policy: half the time a generated argocd-rbac-cm (themes,
	// overlays, regex mode, default roles) when Argo CD accepts it, plus
	// lines about projects, groups and project role subjects.
	c.Data = map[string]string{}
	if r.IntN(2) == 0 {
		base := (&gen{r: rand.New(rand.NewPCG(seed, uint64(i))), theme: themes[i%len(themes)], links: map[string][]string{}}).build("", 0)
		if rbac.Parse(base.Data).Valid() {
			c.Data = base.Data
		}
	}
	regex := c.Data[rbac.KeyMatchMode] == rbac.MatchModeRegex
	var global []string
	for n := r.IntN(5); n > 0; n-- {
		global = append(global, genProjectLine(r, pickOf(r, projectNames), pickOf(r, projRoleNames), regex, false))
	}
	if len(global) > 0 {
		c.Data["policy.projects.csv"] = strings.Join(global, "\n")
	}
	if r.IntN(8) == 0 {
		c.Scopes = []string{"groups", "email"}
	}

	for n := 1 + r.IntN(3); n > 0; n-- {
		c.Projects = append(c.Projects, genProject(r, pickOf(r, projectNames), regex))
	}
	for range nreq {
		c.Requests = append(c.Requests, genProjectRequest(r, c.Projects))
	}
	return c
}

func genProject(r *rand.Rand, name string, regex bool) *rbac.AppProject {
	p := &rbac.AppProject{Name: name, Namespace: "argocd"}
	for n := r.IntN(4); n > 0; n-- {
		role := rbac.ProjectRole{Name: pickOf(r, projRoleNames)}
		for m := r.IntN(5); m > 0; m-- {
			role.Policies = append(role.Policies, genProjectLine(r, name, role.Name, regex, true))
		}
		for m := r.IntN(3); m > 0; m-- {
			role.Groups = append(role.Groups, pickOf(r, claimGroups))
		}
		p.Roles = append(p.Roles, role)
	}
	return p
}

// genProjectLine writes one policy line for role of project proj: mostly
// what Argo CD's API would accept, and the lines kubectl lets through
// (another subject, another project's objects, g lines to built-in roles,
// invalid lines).
func genProjectLine(r *rand.Rand, proj, role string, regex, inRole bool) string {
	sub := rbac.ProjectRoleSubject(proj, role)
	switch k := r.IntN(20); {
	case k < 9:
		return render(r, "p", []string{sub, pickOf(r, projResources), pickOf(r, projActions), genObject(r, proj, regex), genEffect(r)}, false)
	case k < 11:
		other := pickOf(r, []string{"", "alice", "g-dev", "role:readonly", "admin", "*", rbac.ProjectRoleSubject(pickOf(r, projectNames), pickOf(r, projRoleNames))})
		return render(r, "p", []string{other, pickOf(r, projResources), pickOf(r, projActions), genObject(r, proj, regex), genEffect(r)}, false)
	case k < 13:
		return render(r, "g", []string{pickOf(r, []string{"x", "alice", "g-dev", "g-ops", "admin", sub}), pickOf(r, []string{"role:admin", "role:readonly", sub, "role:dev"})}, false)
	case k < 14:
		if res, _, obj := (&gen{r: r, regex: regex}).atoms(); true {
			return render(r, "p", []string{sub, pickOf(r, res).pat, pickOf(r, projActions), pickOf(r, obj).pat, "allow"}, false)
		}
	case k < 15:
		if inRole && r.IntN(2) == 0 {
			return invalidLines[r.IntN(len(invalidLines))](r)
		}
		return oddValidLines[r.IntN(len(oddValidLines))](r)
	case k < 16:
		return pickOf(r, []string{"", "# note", "p, " + sub + ", applications, get, " + proj + "/*, allow\np, " + sub + ", applications, delete, " + proj + "/*, allow"})
	}
	return render(r, "p", []string{sub, "applications", pickOf(r, projActions), proj + "/*", "allow"}, false)
}

func genObject(r *rand.Rand, proj string, regex bool) string {
	if regex {
		return pickOf(r, []string{proj + "/.*", proj + "/app1", ".*", proj, "team-.*/.*", "*"})
	}
	return pickOf(r, []string{proj + "/*", proj + "/app1", "*", "*/*", proj, pickOf(r, projectNames) + "/*", proj + "/ns/*", "team-*"})
}

func genEffect(r *rand.Rand) string {
	return pickOf(r, []string{"allow", "allow", "allow", "deny", "Allow", ""})
}

func genProjectRequest(r *rand.Rand, projects []*rbac.AppProject) ProjectRequest {
	proj := pickOf(r, projectNames)
	if r.IntN(3) > 0 {
		proj = pickOf(r, projects).Name
	}
	claims := map[string]any{}
	user := pickOf(r, projUsers)
	if r.IntN(4) == 0 && len(projects) > 0 {
		p := pickOf(r, projects)
		if len(p.Roles) > 0 {
			user = rbac.ProjectRoleSubject(p.Name, pickOf(r, p.Roles).Name)
		}
	}
	claims["sub"] = user
	if r.IntN(6) == 0 {
		claims["federated_claims"] = map[string]any{"connector_id": "saml", "user_id": pickOf(r, projUsers)}
	}
	var groups []any
	for n := r.IntN(4); n > 0; n-- {
		groups = append(groups, pickOf(r, claimGroups))
	}
	switch {
	case r.IntN(10) == 0:
		claims["groups"] = pickOf(r, claimGroups)
	case len(groups) > 0:
		claims["groups"] = groups
	}
	if r.IntN(8) == 0 {
		claims["email"] = pickOf(r, []string{"alice@example.com", "g-dev"})
	}
	req := ProjectRequest{Claims: claims, Res: pickOf(r, projResources), Act: pickOf(r, projActions)}
	switch req.Res {
	case "projects":
		req.Obj = pickOf(r, []string{proj, proj, proj + "/x", "*"})
	default:
		req.Obj = pickOf(r, []string{proj + "/app1", proj + "/app1", proj + "/ns/app1", proj, "nope/app1", "*", "/app1"})
	}
	return req
}
